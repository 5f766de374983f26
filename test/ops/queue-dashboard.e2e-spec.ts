import request from 'supertest';
import { ApiKeyService, QueueName } from '@kefu/platform';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';

// The BullMQ dashboard is for admins only, by bearer token or by the cookie its login form sets.
describe('queue dashboard at /admin/queues (e2e)', () => {
  let t: ApiTestApp;
  let partnerKey: string;
  beforeAll(async () => {
    t = await startApiApp();
    partnerKey = (await t.app.get(ApiKeyService).create('web', 'dash-partner')).secret;
  });
  afterAll(async () => t?.close());

  const api = '/admin/queues/api/queues';

  it('refuses everyone but admins, with problem documents', async () => {
    const none = await request(t.server).get(api);
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await request(t.server).get('/admin/queues')).status).toBe(401);
    expect((await request(t.server).get(api).set('X-Api-Key', partnerKey)).status).toBe(401);
    for (const role of ['customer', 'agent', 'senior_agent', 'supervisor'] as const) {
      const r = await request(t.server)
        .get(api)
        .set(
          'Authorization',
          t.bearer({ sub: 'x', role, ...(role === 'customer' ? { customerId: 'c' } : {}) }),
        );
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    expect((await request(t.server).get(api).set('Authorization', 'Bearer not.a.token')).status).toBe(401);
  });

  it('shows every queue to an admin', async () => {
    const r = await request(t.server)
      .get(api)
      .set('Authorization', t.bearer({ sub: 'ops', role: 'admin' }));
    expect(r.status).toBe(200);
    const names = (r.body as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QueueName).sort());
    const ui = await request(t.server)
      .get('/admin/queues')
      .set('Authorization', t.bearer({ sub: 'ops', role: 'admin' }));
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('lets a browser in through the login form: an HttpOnly, SameSite=Strict cookie for this path', async () => {
    expect((await request(t.server).get('/admin/queues/login')).text).toMatch(/<form/);
    const refused = await request(t.server)
      .post('/admin/queues/login')
      .type('form')
      .send({ token: t.bearer({ sub: 'a', role: 'agent' }).slice(7) });
    expect(refused.status).toBe(403);
    expect(refused.headers['set-cookie']).toBeUndefined();
    const login = await request(t.server)
      .post('/admin/queues/login')
      .type('form')
      .send({ token: t.bearer({ sub: 'ops', role: 'admin' }).slice(7) });
    expect(login.status).toBe(303);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^kefu_dashboard=.+; Path=\/admin\/queues; HttpOnly; SameSite=Strict/);
    const r = await request(t.server).get(api).set('Cookie', cookie.split(';')[0]);
    expect(r.status).toBe(200);
  });
});
