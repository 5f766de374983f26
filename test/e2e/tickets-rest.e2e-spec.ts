import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

const body = (over: Record<string, unknown> = {}) => ({
  subject: 'Payment failed at checkout',
  description: 'Merchant declined the wallet',
  category: 'payment_failed',
  customer: { id: 'cust-1', name: 'Li Wei' },
  ...over,
});

describe('tickets over REST (e2e, real Postgres + Redis)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let keyA: string;
  let keyB: string;
  let revoked: string;
  const eventCount = async () =>
    Number(((await ds.query(`SELECT count(*) AS c FROM es_events`)) as Array<{ c: string }>)[0].c);

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    const keys = t.app.get(ApiKeyService);
    keyA = (await keys.create('phone', 'call-centre')).secret;
    keyB = (await keys.create('chat', 'chat-vendor')).secret;
    const r = await keys.create('email', 'old-key');
    await keys.revoke(r.apiKey.id);
    revoked = r.secret;
  });
  afterAll(async () => t?.close());

  const post = (path: string, key: string, payload: unknown) =>
    request(t.server)
      .post(path)
      .set('X-Api-Key', key)
      .send(payload as object);
  const get = (path: string, key: string) => request(t.server).get(path).set('X-Api-Key', key);

  it('opens a ticket: 201 with number, status, priority, sla and version', async () => {
    const res = await post('/v1/tickets', keyA, body({ category: 'account_stolen', tags: ['VIP'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      number: expect.stringMatching(/^KF-\d{6}$/),
      status: 'new',
      priority: 'urgent',
      channel: 'phone',
      tags: ['vip'],
      sla: { firstResponseDueAt: expect.any(String), resolutionDueAt: expect.any(String) },
      // TicketOpened, the default policy applied, and its two clocks started.
      version: 4,
    });
    // The shipped default for urgent: 1 h first response and 8 h resolution, 24/7.
    const created = Date.parse(res.body.createdAt as string);
    expect(Date.parse(res.body.sla.firstResponseDueAt as string) - created).toBe(3600_000);
    expect(Date.parse(res.body.sla.resolutionDueAt as string) - created).toBe(8 * 3600_000);
  });

  it('stores SQL, HTML and any Unicode verbatim', async () => {
    const weird = "'; DROP TABLE es_events; -- <img src=x onerror=alert(1)> 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 付款 🙂 \u202e";
    const res = await post('/v1/tickets', keyA, body({ subject: weird, description: weird }));
    expect(res.status).toBe(201);
    const back = await get(`/v1/tickets/${res.body.id}`, keyA);
    expect(back.body.subject).toBe(weird);
    expect(back.body.description).toBe(weird);
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, with one ticket', async () => {
      const before = await eventCount();
      const a = await post('/v1/tickets', keyA, body()).set('Idempotency-Key', 'create-1');
      const b = await post('/v1/tickets', keyA, body()).set('Idempotency-Key', 'create-1');
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(b.headers['idempotent-replayed']).toBe('true');
      // One ticket: its TicketOpened and the shipped default policy's events (applied, 2 clocks).
      expect(await eventCount()).toBe(before + a.body.version);
      expect(a.body.version).toBe(4);
    });

    it('refuses the same key with another body (422) and writes nothing', async () => {
      await post('/v1/tickets', keyA, body()).set('Idempotency-Key', 'create-2');
      const before = await eventCount();
      const res = await post('/v1/tickets', keyA, body({ subject: 'other' })).set(
        'Idempotency-Key',
        'create-2',
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_reused');
      expect(await eventCount()).toBe(before);
    });

    it('keeps keys per API key: another partner may use the same key', async () => {
      await post('/v1/tickets', keyA, body()).set('Idempotency-Key', 'shared-key');
      const res = await post('/v1/tickets', keyB, body()).set('Idempotency-Key', 'shared-key');
      expect(res.status).toBe(201);
      expect(res.body.channel).toBe('chat');
    });
  });

  describe('bad input gets its code and writes nothing', () => {
    const cases: Array<[string, () => request.Test, number, string]> = [
      [
        'unknown enum value',
        () => post('/v1/tickets', keyA, body({ category: 'nope' })),
        400,
        'validation_failed',
      ],
      ['missing field', () => post('/v1/tickets', keyA, { subject: 'x' }), 400, 'validation_failed'],
      [
        'wrong type',
        () => post('/v1/tickets', keyA, body({ transaction: { id: 't', amount: '12', currency: 'CNY' } })),
        400,
        'validation_failed',
      ],
      [
        'negative amount',
        () => post('/v1/tickets', keyA, body({ transaction: { id: 't', amount: -1, currency: 'CNY' } })),
        400,
        'validation_failed',
      ],
      [
        'bad currency',
        () => post('/v1/tickets', keyA, body({ transaction: { id: 't', amount: 1, currency: 'yuan' } })),
        400,
        'validation_failed',
      ],
      ['unknown field', () => post('/v1/tickets', keyA, body({ isAdmin: true })), 400, 'validation_failed'],
      ['empty subject', () => post('/v1/tickets', keyA, body({ subject: '   ' })), 400, 'validation_failed'],
      [
        'malformed JSON',
        () =>
          request(t.server)
            .post('/v1/tickets')
            .set('X-Api-Key', keyA)
            .set('Content-Type', 'application/json')
            .send('{"subject": '),
        400,
        'validation_failed',
      ],
      [
        'body over 1 MiB',
        () => post('/v1/tickets', keyA, body({ description: 'x'.repeat(1024 * 1024 + 10) })),
        413,
        'payload_too_large',
      ],
      ['id of another shape (ids are opaque)', () => get('/v1/tickets/not-a-uuid', keyA), 404, 'not_found'],
      ['no credentials', () => request(t.server).post('/v1/tickets').send(body()), 401, 'unauthenticated'],
      ['revoked key', () => post('/v1/tickets', revoked, body()), 401, 'unauthenticated'],
      [
        'unknown ticket',
        () => get('/v1/tickets/00000000-0000-4000-8000-000000000000', keyA),
        404,
        'not_found',
      ],
    ];
    it.each(cases)('%s', async (_name, send, status, code) => {
      const before = await eventCount();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
      expect(await eventCount()).toBe(before);
    });

    it('names the failing fields', async () => {
      const res = await post('/v1/tickets', keyA, body({ category: 'nope', customer: { name: 'x' } }));
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['category', 'customer.id']),
      );
    });
  });

  describe('scoping', () => {
    it("hides another channel's ticket (404) and lists only the channel's own", async () => {
      const mine = await post('/v1/tickets', keyA, body());
      expect((await get(`/v1/tickets/${mine.body.id}`, keyB)).status).toBe(404);
      expect((await post(`/v1/tickets/${mine.body.id}/messages`, keyB, { body: 'hi' })).status).toBe(404);
      const listB = await get('/v1/tickets?limit=100', keyB);
      expect(listB.body.data.every((x: { channel: string }) => x.channel === 'chat')).toBe(true);
    });

    it('keeps two partners on the same ticket channel apart, and a rotated key keeps its partner’s cases', async () => {
      const keys = t.app.get(ApiKeyService);
      const portal = (await keys.create('partner', 'Merchant Portal')).secret;
      const payments = (await keys.create('partner', 'Payments Core')).secret;
      const portalRotated = await keys.create('partner', 'merchant portal');
      expect(portalRotated.apiKey.partner).toBe('merchant-portal');
      const mine = await post('/v1/tickets', portal, body());
      expect(mine.status).toBe(201);
      expect(mine.body.channel).toBe('partner');
      expect((await get(`/v1/tickets/${mine.body.id}`, payments)).status).toBe(404);
      const listPayments = await get('/v1/tickets?limit=100', payments);
      expect(listPayments.body.data.map((x: { id: string }) => x.id)).not.toContain(mine.body.id);
      expect((await get(`/v1/tickets/${mine.body.id}`, portalRotated.secret)).status).toBe(200);
    });

    it('lets a customer (JWT) read only their own tickets', async () => {
      const mine = await post('/v1/tickets', keyA, body({ customer: { id: 'cust-42' } }));
      const other = await post('/v1/tickets', keyA, body({ customer: { id: 'cust-43' } }));
      const bearer = t.bearer({ sub: 'u-42', role: 'customer', customerId: 'cust-42' });
      expect(
        (await request(t.server).get(`/v1/tickets/${mine.body.id}`).set('Authorization', bearer)).status,
      ).toBe(200);
      expect(
        (await request(t.server).get(`/v1/tickets/${other.body.id}`).set('Authorization', bearer)).status,
      ).toBe(404);
    });
  });

  describe('messages and escalation requests', () => {
    it('adds a customer message that reopens a solved ticket; the ticket lists public messages only', async () => {
      const created = await post('/v1/tickets', keyA, body());
      const svc = t.app.get(TicketsService);
      const agent = { kind: 'user' as const, sub: 'agent-1', role: 'agent' as const, name: 'Ana' };
      await svc.reply(agent, created.body.id, { body: 'We refunded it' });
      await svc.addInternalNote(agent, created.body.id, { body: 'secret internal note' });
      await svc.setStatus(agent, created.body.id, { status: 'solved' });
      const res = await post(`/v1/tickets/${created.body.id}/messages`, keyA, {
        body: 'Not received',
        attachments: [
          { name: 'r.png', contentType: 'image/png', size: 10, url: 'https://files.example.com/r.png' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('open');
      expect(res.body.messages.map((m: { body: string }) => m.body)).toEqual([
        'We refunded it',
        'Not received',
      ]);
      expect(JSON.stringify(res.body)).not.toContain('secret internal note');
    });

    it('refuses a message to a closed ticket with 409 invalid_transition', async () => {
      const created = await post('/v1/tickets', keyA, body());
      const svc = t.app.get(TicketsService);
      await svc.setStatus({ kind: 'user', sub: 'agent-1', role: 'agent' }, created.body.id, {
        status: 'solved',
      });
      await svc.closeSolved(created.body.id, 0);
      const before = await eventCount();
      const res = await post(`/v1/tickets/${created.body.id}/messages`, keyA, { body: 'hello?' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('invalid_transition');
      expect(await eventCount()).toBe(before);
    });

    it('records an escalation request (202)', async () => {
      const created = await post('/v1/tickets', keyA, body());
      const res = await post(`/v1/tickets/${created.body.id}/escalation-requests`, keyA, {
        reason: 'I want a supervisor',
      });
      expect(res.status).toBe(202);
      expect(res.body.escalationRequested).toBe(true);
      const events = (await ds.query(`SELECT event_type FROM es_events WHERE stream_id = $1`, [
        created.body.id,
      ])) as Array<{ event_type: string }>;
      expect(events.map((e) => e.event_type)).toContain('TicketEscalationRequested');
    });
  });

  it('pages through the channel’s tickets with no gap and no duplicate while others are inserted', async () => {
    const keys = t.app.get(ApiKeyService);
    const key = (await keys.create('social', 'pager')).secret;
    const initial: string[] = [];
    for (let i = 0; i < 25; i++)
      initial.push((await post('/v1/tickets', key, body({ subject: `seed ${i}` }))).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserts = 0;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await get(`/v1/tickets?limit=4${q}`, key);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((x: { id: string }) => x.id));
      cursor = page.body.nextCursor;
      // Concurrent writers: two new tickets per page (updates are not exercised: an updated ticket
      // moves to the end of the updatedAt order and is listed again, by design of updatedSince).
      await Promise.all([
        post('/v1/tickets', key, body({ subject: `late ${inserts++}` })),
        post('/v1/tickets', key, body()),
      ]);
    } while (cursor && seen.length < 200);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of initial) expect(seen).toContain(id);
  });
});
