import { Controller, Get, Module } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, CurrentPrincipal, Principal } from '@kefu/platform';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { ApiTestApp, startApiApp } from './support/api-app';

@Controller('test/key-cache')
class WhoAmIController {
  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

/** Polls until fn resolves true or the time is up; returns the last answer. */
async function eventually(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Two API replicas on one database and one Redis: the API key cache (API_KEY_CACHE_SECONDS) serves
// repeated requests from memory, and a revocation on one replica reaches the other at once.
describe('API key cache across replicas (e2e)', () => {
  let db: TestDatabase;
  let a: ApiTestApp;
  let b: ApiTestApp;
  let ds: DataSource;
  const whoami = (t: ApiTestApp, key: string) =>
    request(t.server).get('/test/key-cache/whoami').set('x-api-key', key);
  const nameSeenBy = async (t: ApiTestApp, key: string) => {
    const r = await whoami(t, key);
    return r.status === 200 ? (r.body as { name: string }).name : r.status;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startApiApp({ db, imports: [WhoAmIModule], env: { API_KEY_CACHE_SECONDS: '60' } });
    b = await startApiApp({ db, imports: [WhoAmIModule], env: { API_KEY_CACHE_SECONDS: '60' } });
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('answers a known key from memory, and a revocation on one replica shuts it out on both', async () => {
    const { apiKey, secret } = await a.app.get(ApiKeyService).create('phone', 'Cache Partner');
    expect(await nameSeenBy(a, secret)).toBe('Cache Partner');
    expect(await nameSeenBy(b, secret)).toBe('Cache Partner');
    // Changed behind the API's back (no revocation): both replicas still answer from their cache.
    await ds.query(`UPDATE api_keys SET name = 'Renamed' WHERE id = $1`, [apiKey.id]);
    expect(await nameSeenBy(a, secret)).toBe('Cache Partner');
    expect(await nameSeenBy(b, secret)).toBe('Cache Partner');

    await a.app.get(ApiKeyService).revoke(apiKey.id, 'test');
    // The revoking replica: at once. The other: as soon as the Redis message arrives (milliseconds).
    await whoami(a, secret).expect(401);
    expect(await eventually(async () => (await whoami(b, secret)).status === 401, 2000)).toBe(true);
    // And it stays out: nothing re-caches a revoked row.
    await whoami(b, secret).expect(401);
    await whoami(a, secret).expect(401);
  });

  it('a row read before a revocation is not cached after it', async () => {
    const keys = b.app.get(ApiKeyService);
    const { apiKey, secret } = await keys.create('email', 'Race Partner');
    // Many verifications in flight on B while A revokes: none may leave the key cached on B.
    const inFlight = Array.from({ length: 20 }, () => whoami(b, secret).then((r) => r.status));
    await a.app.get(ApiKeyService).revoke(apiKey.id, 'test');
    await Promise.all(inFlight);
    expect(await eventually(async () => (await whoami(b, secret)).status === 401, 2000)).toBe(true);
    for (let i = 0; i < 5; i++) await whoami(b, secret).expect(401);
  });

  it('an unknown or malformed key is refused, and a cached key with a wrong secret is refused', async () => {
    const { secret } = await a.app.get(ApiKeyService).create('chat', 'Secret Partner');
    await whoami(a, secret).expect(200);
    const wrong = `${secret.slice(0, -4)}AAAA`;
    await whoami(a, wrong).expect(401);
    await whoami(a, 'kf_000000000000_' + 'A'.repeat(43)).expect(401);
  });
});

describe('API key cache bound (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startApiApp({ imports: [WhoAmIModule], env: { API_KEY_CACHE_SECONDS: '1' } });
    ds = await openDataSource(t.db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('a revocation that bypassed the API (no message) is honoured once the entry expires', async () => {
    const { apiKey, secret } = await t.app.get(ApiKeyService).create('phone', 'Direct Partner');
    const who = () => request(t.server).get('/test/key-cache/whoami').set('x-api-key', secret);
    await who().expect(200);
    await ds.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [apiKey.id]);
    await new Promise((r) => setTimeout(r, 1100));
    await who().expect(401);
  });

  it('API_KEY_CACHE_SECONDS=0 reads the row every time', async () => {
    const off = await startApiApp({ db: t.db, imports: [WhoAmIModule], env: { API_KEY_CACHE_SECONDS: '0' } });
    try {
      const { apiKey, secret } = await off.app.get(ApiKeyService).create('phone', 'Uncached Partner');
      const who = () => request(off.server).get('/test/key-cache/whoami').set('x-api-key', secret);
      await who().expect(200);
      await ds.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [apiKey.id]);
      await who().expect(401);
    } finally {
      await off.app.close();
    }
  });
});
