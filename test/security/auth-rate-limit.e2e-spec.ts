import request from 'supertest';
import { ApiKeyService } from '@kefu/platform';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';

// Repeated 401s from one client IP end in 429 rate_limited with Retry-After and RateLimit headers,
// for REST and GraphQL alike; other IPs (X-Forwarded-For from a trusted proxy) are unaffected. Two
// API instances on one Redis (replicas behind a load balancer) share the count.
describe('rate limiting of failed authentication (e2e)', () => {
  const env = { AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '120' };
  let t: ApiTestApp;
  let replica: ApiTestApp;
  let key: string;

  beforeAll(async () => {
    t = await startApiApp({ env });
    replica = await startApiApp({ env, db: t.db });
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
  });
  afterAll(async () => {
    await replica?.close();
    await t?.close();
  });

  it('counts the failures of one IP across two replicas: the limit does not multiply', async () => {
    const ip = '203.0.113.50';
    const on = (app: ApiTestApp, apiKey: string) =>
      request(app.server).get('/v1/tickets').set('X-Forwarded-For', ip).set('X-Api-Key', apiKey);
    const remaining: string[] = [];
    for (const app of [t, replica, t, replica, t]) {
      const r = await on(app, 'kefu_bogus_key');
      expect(r.status).toBe(401);
      remaining.push(r.headers['ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    expect((await on(replica, key)).status).toBe(429);
    expect((await on(t, key)).status).toBe(429);
  });

  const tickets = (ip: string, apiKey: string) =>
    request(t.server).get('/v1/tickets').set('X-Forwarded-For', ip).set('X-Api-Key', apiKey);

  it('counts down in RateLimit headers, then answers 429 even to good credentials', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await tickets('203.0.113.7', 'kefu_bogus_key');
      expect(r.status).toBe(401);
      expect(r.headers['ratelimit-limit']).toBe('5');
      expect(r.headers['ratelimit-remaining']).toBe(String(4 - i));
      expect(Number(r.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const blocked = await tickets('203.0.113.7', key);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['ratelimit-remaining']).toBe('0');
    expect(blocked.headers['content-type']).toMatch(/application\/problem\+json/);
    // Another client is not affected; public routes neither.
    expect((await tickets('203.0.113.8', key)).status).toBe(200);
    expect((await request(t.server).get('/health/live').set('X-Forwarded-For', '203.0.113.7')).status).toBe(
      200,
    );
  });

  it('missing credentials count too, and GraphQL is limited the same way', async () => {
    const gql = (ip: string, auth?: string) => {
      const r = request(t.server).post('/graphql').set('X-Forwarded-For', ip);
      if (auth) r.set('Authorization', auth);
      return r.send({ query: '{ me { id role } }' });
    };
    for (let i = 0; i < 5; i++) {
      const r = await gql('198.51.100.9', 'Bearer not.a.jwt');
      expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await gql('198.51.100.9', t.bearer({ sub: 'a1', role: 'agent' }));
    expect(blocked.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++)
      await request(t.server).get('/v1/tickets').set('X-Forwarded-For', '192.0.2.1');
    expect((await request(t.server).get('/v1/tickets').set('X-Forwarded-For', '192.0.2.1')).status).toBe(429);
  });
});
