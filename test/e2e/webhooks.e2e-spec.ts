import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, Principal } from '@kefu/platform';
import { Channel } from '@kefu/kernel';
import { createTestDatabase, TestDatabase, testConfig, WebhookReceiver } from '@kefu/test-fixtures';
import { TicketsService } from '@kefu/tickets';
import { WebhookDeliveryRunner, WebhookQueue, deliveryJobId, verifySignature } from '@kefu/webhooks';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

// One API and one worker on one database; every scenario uses its own partner channel, so each
// receiver sees only the tickets of its scenario.
const ENV = {
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '200',
  WEBHOOK_DISABLE_AFTER_FAILURES: '4',
  WEBHOOK_DISABLE_AFTER_SECONDS: '0',
  WEBHOOK_TIMEOUT_MS: '3000',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };
const NOTE = 'INTERNAL-NOTE-d41d8: customer flagged by risk team';

async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('webhooks (e2e: API + worker, real Postgres, Redis and HTTP receivers)', () => {
  let db: TestDatabase;
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let tickets: TicketsService;
  const keys: Partial<Record<Channel, string>> = {};
  const receivers: WebhookReceiver[] = [];

  const receiver = async (behaviour?: Parameters<typeof WebhookReceiver.start>[0]) => {
    const r = await WebhookReceiver.start(behaviour);
    receivers.push(r);
    return r;
  };
  const post = (path: string, key: string, body: object = {}) =>
    request(t.server).post(path).set('X-Api-Key', key).send(body);
  const get = (path: string, key: string) => request(t.server).get(path).set('X-Api-Key', key);
  const createEndpoint = async (channel: Channel, url: string, events: string[]) => {
    const res = await post('/v1/webhooks', keys[channel]!, { url, events });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const openTicket = async (channel: Channel, over: Record<string, unknown> = {}) => {
    const res = await post('/v1/tickets', keys[channel]!, {
      subject: 'Payment failed at checkout',
      description: 'Merchant declined the wallet',
      category: 'payment_failed',
      customer: { id: 'acc-88231', name: 'Li Wei', email: 'li.wei@example.com', phone: '+86 138 0000 1234' },
      ...over,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string };
  };
  const eventId = async (ticketId: string, type: string) =>
    (
      (await ds.query(
        `SELECT event_id FROM es_events WHERE stream_id = $1 AND event_type = $2 ORDER BY stream_position`,
        [ticketId, type],
      )) as Array<{ event_id: string }>
    )[0].event_id;
  const deliveriesOf = async (endpointId: string) =>
    (await ds.query(
      `SELECT id, event_id, event_type, status, attempts FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at`,
      [endpointId],
    )) as Array<{
      id: string;
      event_id: string;
      event_type: string;
      status: string;
      attempts: number;
    }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, env: ENV });
    worker = await createWorker(testConfig(db, ENV));
    ds = t.app.get(DataSource);
    tickets = t.app.get(TicketsService);
    const apiKeys = t.app.get(ApiKeyService);
    for (const channel of ['phone', 'chat', 'web', 'email', 'app', 'social', 'partner'] as const) {
      keys[channel] = (await apiKeys.create(channel, `${channel}-partner`)).secret;
    }
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await worker?.close();
    await t?.close();
    await db?.drop();
  });

  describe('endpoints', () => {
    it('creates an endpoint: 201 with a whsec_ secret shown once, stored encrypted', async () => {
      const res = await post('/v1/webhooks', keys.partner!, {
        url: 'https://203.0.113.10/kefu',
        events: ['ticket.created', 'ticket.created'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        url: 'https://203.0.113.10/kefu',
        events: ['ticket.created'],
        status: 'active',
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
        createdAt: expect.any(String),
      });
      const back = await get(`/v1/webhooks/${res.body.id}`, keys.partner!);
      expect(back.status).toBe(200);
      expect(back.body.secret).toBeUndefined();
      const stored = (
        await ds.query(`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [res.body.id])
      )[0].secret_ciphertext;
      expect(stored).not.toContain(res.body.secret.slice(6));
      const keyRows = JSON.stringify(await ds.query(`SELECT response FROM idempotency_keys`));
      expect(keyRows).not.toContain(res.body.secret.slice(6));
    });

    it('replays a create with the same Idempotency-Key (same id, same secret, one row)', async () => {
      const body = { url: 'https://203.0.113.10/idem', events: ['ticket.assigned'] };
      const a = await post('/v1/webhooks', keys.partner!, body).set('Idempotency-Key', 'wh-create-1');
      const b = await post('/v1/webhooks', keys.partner!, body).set('Idempotency-Key', 'wh-create-1');
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(b.headers['idempotent-replayed']).toBe('true');
      const rows = await ds.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE url = $1`, [
        body.url,
      ]);
      expect(rows[0].n).toBe(1);
      const c = await post('/v1/webhooks', keys.partner!, { ...body, events: ['ticket.created'] }).set(
        'Idempotency-Key',
        'wh-create-1',
      );
      expect(c.status).toBe(422);
    });

    it.each([
      [
        'an unknown event type, named',
        { url: 'https://h.example.com/', events: ['ticket.created', 'ticket.nope'] },
        'events.1',
        /"ticket\.nope" is not an event type/,
      ],
      [
        'an internal domain type',
        { url: 'https://h.example.com/', events: ['InternalNoteAdded'] },
        'events.0',
        /"InternalNoteAdded"/,
      ],
      [
        'a wildcard',
        { url: 'https://h.example.com/', events: ['*'] },
        'events.0',
        /wildcards are not supported/,
      ],
      ['no events', { url: 'https://h.example.com/', events: [] }, 'events', /.+/],
      ['events not a list', { url: 'https://h.example.com/', events: 'ticket.created' }, 'events', /.+/],
      [
        'a non-http scheme',
        { url: 'ftp://h.example.com/', events: ['ticket.created'] },
        'url',
        /http or https/,
      ],
      [
        'credentials in the URL',
        { url: 'https://u:p@h.example.com/', events: ['ticket.created'] },
        'url',
        /credentials/,
      ],
      ['not a URL', { url: 'hooks', events: ['ticket.created'] }, 'url', /absolute/],
      [
        'a host that does not resolve',
        { url: 'https://no-such-host.invalid/hook', events: ['ticket.created'] },
        'url',
        /does not resolve/,
      ],
      [
        'an unknown field',
        { url: 'https://h.example.com/', events: ['ticket.created'], secret: 'mine' },
        'secret',
        /.+/,
      ],
    ])('refuses %s: 400 validation_failed', async (_name, body, field, message) => {
      const before = (await ds.query(`SELECT count(*)::int AS n FROM webhook_endpoints`))[0].n;
      const res = await post('/v1/webhooks', keys.partner!, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]),
      );
      expect((await ds.query(`SELECT count(*)::int AS n FROM webhook_endpoints`))[0].n).toBe(before);
    });

    it("scopes endpoints to the key's channel: another channel's is 404, users are 403", async () => {
      const mine = await createEndpoint('social', 'https://203.0.113.11/hook', ['ticket.created']);
      expect((await get(`/v1/webhooks/${mine.id}`, keys.social!)).status).toBe(200);
      expect((await get(`/v1/webhooks/${mine.id}`, keys.partner!)).status).toBe(404);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${mine.id}`).set('X-Api-Key', keys.partner!)).status,
      ).toBe(404);
      expect((await get(`/v1/webhooks/${mine.id}/deliveries`, keys.partner!)).status).toBe(404);
      const list = await get('/v1/webhooks', keys.partner!);
      expect(list.body.data.map((e: { id: string }) => e.id)).not.toContain(mine.id);
      const asUser = await request(t.server)
        .get('/v1/webhooks')
        .set('Authorization', t.bearer({ sub: 'a-1', role: 'admin' }));
      expect(asUser.status).toBe(403);
      expect((await request(t.server).get('/v1/webhooks')).status).toBe(401);
      expect((await get('/v1/webhooks/not-a-uuid', keys.partner!)).status).toBe(404);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${mine.id}`).set('X-Api-Key', keys.social!)).status,
      ).toBe(204);
    });

    it('lists newest first with a cursor, and deletes (204, then 404)', async () => {
      // 'social' has no endpoints at this point (its delivery scenario comes later).
      const a = await createEndpoint('social', 'https://203.0.113.12/a', ['ticket.created']);
      const b = await createEndpoint('social', 'https://203.0.113.12/b', ['ticket.created']);
      const p1 = await get('/v1/webhooks?limit=1', keys.social!);
      expect(p1.body.data.map((e: { id: string }) => e.id)).toEqual([b.id]);
      const p2 = await get(`/v1/webhooks?limit=1&cursor=${p1.body.nextCursor}`, keys.social!);
      expect(p2.body).toEqual({ data: [expect.objectContaining({ id: a.id })], nextCursor: null });
      expect((await get('/v1/webhooks?cursor=bogus', keys.social!)).status).toBe(400);
      expect((await get('/v1/webhooks?limit=101', keys.social!)).status).toBe(400);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${a.id}`).set('X-Api-Key', keys.social!)).status,
      ).toBe(204);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${b.id}`).set('X-Api-Key', keys.social!)).status,
      ).toBe(204);
      expect((await get(`/v1/webhooks/${a.id}`, keys.social!)).status).toBe(404);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${a.id}`).set('X-Api-Key', keys.social!)).status,
      ).toBe(404);
      expect((await get('/v1/webhooks', keys.social!)).body).toEqual({ data: [], nextCursor: null });
    });

    it('documents every route in OpenAPI', async () => {
      const doc = (await request(t.server).get('/openapi.json')).body;
      const paths = Object.keys(doc.paths);
      for (const p of [
        '/v1/webhooks',
        '/v1/webhooks/{id}',
        '/v1/webhooks/{id}/enable',
        '/v1/webhooks/{id}/deliveries',
        '/v1/webhooks/{id}/deliveries/{deliveryId}',
        '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
        '/v1/events',
      ]) {
        expect(paths).toContain(p);
      }
      expect(Object.keys(doc.paths['/v1/webhooks'].post.responses)).toEqual(
        expect.arrayContaining(['201', '400', '401', '422']),
      );
      expect(
        doc.paths['/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver'].post.responses['202'],
      ).toBeDefined();
      expect(doc.components.schemas.CreatedWebhookEndpointResource.properties.secret).toBeDefined();
    });
  });

  describe('delivery', () => {
    it('sends only the subscribed types, signed with the secret shown at creation, with masked personal data and no internal notes', async () => {
      const r = await receiver();
      const other = await receiver();
      const ep = await createEndpoint('phone', r.url, ['ticket.created', 'ticket.status_changed']);
      await createEndpoint('chat', other.url, [
        'ticket.created',
        'ticket.message_added',
        'ticket.status_changed',
      ]);

      const ticket = await openTicket('phone', { externalRef: 'CC-1' });
      await tickets.addInternalNote(agent, ticket.id, { body: NOTE });
      await tickets.reply(agent, ticket.id, { body: 'We are on it' });
      await tickets.setStatus(agent, ticket.id, { status: 'pending' });
      const sentinel = await openTicket('phone'); // later in the log than everything above

      await r.waitFor((x) =>
        x
          .ofType('ticket.created')
          .some((q) => (q.json.data.ticket as { id: string }).id === sentinel.id && q.status === 200),
      );
      // The fan-out works in log order: once the sentinel has its delivery, every earlier event has been fanned out.
      const rows = await deliveriesOf(ep.id);
      // Opened; the agent's reply moved new → open; then open → pending. The reply and the note: not subscribed / never public.
      expect(rows.map((d) => d.event_type).sort()).toEqual([
        'ticket.created',
        'ticket.created',
        'ticket.status_changed',
        'ticket.status_changed',
      ]);
      await until(async () => (await deliveriesOf(ep.id)).every((d) => d.status === 'succeeded'));
      expect(r.requests.map((q) => q.json.type).sort()).toEqual([
        'ticket.created',
        'ticket.created',
        'ticket.status_changed',
        'ticket.status_changed',
      ]);
      expect(
        r
          .ofType('ticket.status_changed')
          .map((q) => q.json.data.to)
          .sort(),
      ).toEqual(['open', 'pending']);

      const openedId = await eventId(ticket.id, 'TicketOpened');
      const created = r.requests.find((q) => q.json.id === openedId)!;
      const createdRow = rows.find((d) => d.event_id === openedId)!;
      expect(created.headers['content-type']).toBe('application/json');
      expect(created.headers['user-agent']).toBe('Kefu-Webhooks/1');
      expect(created.headers['kefu-event-id']).toBe(created.json.id);
      expect(created.headers['kefu-delivery-id']).toBe(createdRow.id);
      for (const q of r.requests) {
        const sig = q.headers['kefu-signature'] as string;
        expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(verifySignature(sig, q.body, ep.secret)).toBe(true);
        expect(verifySignature(sig, q.body, 'whsec_wrong')).toBe(false);
      }
      expect(created.json).toMatchObject({
        type: 'ticket.created',
        occurredAt: expect.any(String),
        data: {
          ticket: {
            id: ticket.id,
            number: ticket.number,
            channel: 'phone',
            externalRef: 'CC-1',
            customer: { id: 'acc-88231', name: 'L***', email: 'l***@example.com', phone: '*******1234' },
          },
        },
      });
      const all = [...r.requests, ...other.requests].map((q) => q.body).join('\n');
      for (const secret of [NOTE, 'INTERNAL-NOTE', 'Li Wei', 'li.wei@example.com', '138 0000'])
        expect(all).not.toContain(secret);
      // The chat channel's endpoint hears nothing about the phone channel's tickets.
      expect(other.requests).toHaveLength(0);
      const stored = await deliveriesOf(ep.id);
      expect(stored.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    });

    it('retries a receiver that fails three times with 500, then delivers once; the log shows four attempts', async () => {
      const r = await receiver((q) => (q.n <= 3 ? 500 : 200));
      const ep = await createEndpoint('web', r.url, ['ticket.created']);
      const ticket = await openTicket('web');
      const evt = await eventId(ticket.id, 'TicketOpened');
      await r.waitFor((x) => x.successesFor(evt) === 1);
      await until(async () => (await deliveriesOf(ep.id))[0]?.status === 'succeeded');
      await new Promise((res) => setTimeout(res, 300)); // nothing more arrives
      expect(r.requests.map((q) => q.status)).toEqual([500, 500, 500, 200]);
      expect(r.requests.every((q) => q.json.id === evt && q.body === r.requests[0].body)).toBe(true);

      const list = await get(`/v1/webhooks/${ep.id}/deliveries`, keys.web!);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({
        data: [
          expect.objectContaining({
            eventId: evt,
            eventType: 'ticket.created',
            status: 'succeeded',
            attempts: 4,
            lastStatusCode: 200,
            lastError: null,
            deliveredAt: expect.any(String),
          }),
        ],
        nextCursor: null,
      });
      const detail = await get(`/v1/webhooks/${ep.id}/deliveries/${list.body.data[0].id}`, keys.web!);
      expect(detail.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([
        500, 500, 500, 200,
      ]);
      expect(detail.body.attemptLog.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(detail.body.attemptLog[0]).toMatchObject({
        error: 'HTTP 500',
        responseExcerpt: 'receiver says 500',
        durationMs: expect.any(Number),
      });
      expect(detail.body.payload).toEqual(JSON.parse(r.requests[0].body));
      const endpoint = await get(`/v1/webhooks/${ep.id}`, keys.web!);
      expect(endpoint.body).toMatchObject({ status: 'active', failureStreak: 0 });
    });

    it('a duplicate dispatch (fan-out re-run as if it crashed before its checkpoint) sends nothing twice', async () => {
      const r = await receiver();
      const ep = await createEndpoint('app', r.url, ['ticket.created', 'ticket.status_changed']);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const tk = await openTicket('app');
        await tickets.setStatus(agent, tk.id, { status: 'open' });
        ids.push(await eventId(tk.id, 'TicketOpened'), await eventId(tk.id, 'TicketStatusChanged'));
      }
      await r.waitFor((x) => ids.every((id) => x.successesFor(id) === 1));
      await until(async () => (await deliveriesOf(ep.id)).every((d) => d.status === 'succeeded'));

      // Completed jobs leave Redis (their ids are forgotten), the checkpoint goes back to the start.
      const queue = worker.get(WebhookQueue).queue;
      await queue.clean(0, 100_000, 'completed');
      const before = r.requests.length;
      await ds.query(
        `UPDATE es_checkpoints SET transaction_id = '0', global_position = 0 WHERE consumer = 'webhook-fanout'`,
      );
      const end = (await ds.query(`SELECT max(global_position)::text AS p FROM es_events`))[0].p;
      await until(async () => {
        const cp = (
          await ds.query(
            `SELECT global_position::text AS p FROM es_checkpoints WHERE consumer = 'webhook-fanout'`,
          )
        )[0].p;
        return BigInt(cp) >= BigInt(end);
      });
      // The same job ids were added again and ran: each found its delivery succeeded and sent nothing.
      await until(async () => (await queue.getCompletedCount()) >= ids.length, 10_000, 'jobs re-run');
      await new Promise((res) => setTimeout(res, 300));
      expect(r.requests.length).toBe(before);
      for (const id of ids) expect(r.successesFor(id)).toBe(1);
      expect((await deliveriesOf(ep.id)).length).toBe(ids.length);
    });

    it('two concurrent runs of the same delivery job send it once (the attempt lease)', async () => {
      const r = await receiver(() => 'hold');
      const ep = await createEndpoint('app', r.url, ['ticket.escalated']);
      const tk = await openTicket('app');
      await tickets.escalate(agent, tk.id, { reason: 'needs a senior' });
      await r.waitFor((x) => x.requests.length === 1);
      const [d] = await deliveriesOf(ep.id);
      const runner = worker.get(WebhookDeliveryRunner);
      const evt = await eventId(tk.id, 'TicketEscalated');
      // The queue's own job is holding the attempt; a duplicate of it runs now and must not send.
      const dup = await runner.run({
        jobId: deliveryJobId(evt, ep.id, 0),
        deliveryId: d.id,
        requeue: 0,
        createdAt: Date.now(),
        attemptsMade: 0,
      });
      expect(dup).toMatchObject({ kind: 'retry', reason: 'attempt in flight elsewhere' });
      expect(r.requests).toHaveLength(1);
      r.behaviour = () => 200;
      r.release(200);
      await until(async () => (await deliveriesOf(ep.id))[0].status === 'succeeded');
      const again = await runner.run({
        jobId: deliveryJobId(evt, ep.id, 0),
        deliveryId: d.id,
        requeue: 0,
        createdAt: Date.now(),
        attemptsMade: 0,
      });
      expect(again).toEqual({ kind: 'done', result: 'skipped' });
      expect(r.requests).toHaveLength(1);
    });

    it('a job that runs before the fan-out commits finds no row, retries, and delivers after the commit', async () => {
      const r = await receiver();
      const ep = await createEndpoint('social', r.url, ['ticket.created']);
      const runner = worker.get(WebhookDeliveryRunner);
      await expect(
        runner.run({
          jobId: 'wh-x',
          deliveryId: randomUUID(),
          requeue: 0,
          createdAt: Date.now(),
          attemptsMade: 0,
        }),
      ).resolves.toMatchObject({ kind: 'retry', reason: 'delivery not visible yet' });

      // A fan-out transaction, held open: the row is inserted and the job is in Redis before the commit.
      const evt = randomUUID();
      const deliveryId = randomUUID();
      const body = JSON.stringify({
        id: evt,
        type: 'ticket.created',
        occurredAt: new Date().toISOString(),
        data: { ticket: { id: 'x' } },
      });
      const qr = ds.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        await qr.query(
          `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status) VALUES ($1, $2, $3, 'ticket.created', $4::json, 'pending')`,
          [deliveryId, ep.id, evt, body],
        );
        await worker.get(WebhookQueue).enqueue([{ deliveryId, eventId: evt, endpointId: ep.id, requeue: 0 }]);
        const job = async () => worker.get(WebhookQueue).queue.getJob(deliveryJobId(evt, ep.id, 0));
        await until(async () => ((await job())?.attemptsMade ?? 0) >= 2, 10_000, 'job retried');
        expect(r.requests).toHaveLength(0);
        await qr.commitTransaction();
      } finally {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
      await r.waitFor((x) => x.successesFor(evt) === 1);
      expect(r.requests[0].body).toBe(body);
    });
  });

  describe('redelivery', () => {
    it('sends a succeeded delivery again (same body, same event id), keeps its history, honours Idempotency-Key', async () => {
      const r = await receiver();
      const ep = await createEndpoint('chat', r.url, ['ticket.assigned']);
      const tk = await openTicket('chat');
      await tickets.assign(agent, tk.id, 'agent-7');
      await r.waitFor((x) => x.requests.length === 1);
      const [d] = await deliveriesOf(ep.id);
      await until(async () => (await deliveriesOf(ep.id))[0].status === 'succeeded');

      const path = `/v1/webhooks/${ep.id}/deliveries/${d.id}/redeliver`;
      const res = await post(path, keys.chat!).set('Idempotency-Key', 'redeliver-1');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: d.id, status: 'pending', attempts: 1 });
      await r.waitFor((x) => x.requests.length === 2);
      expect(r.requests[1].json.id).toBe(r.requests[0].json.id);
      expect(r.requests[1].body).toBe(r.requests[0].body);
      expect(r.requests[1].headers['kefu-delivery-id']).toBe(d.id);
      await until(async () => (await deliveriesOf(ep.id))[0].status === 'succeeded');

      const replay = await post(path, keys.chat!).set('Idempotency-Key', 'redeliver-1');
      expect(replay.status).toBe(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(res.body);
      await new Promise((x) => setTimeout(x, 300));
      expect(r.requests).toHaveLength(2);
      const detail = await get(`/v1/webhooks/${ep.id}/deliveries/${d.id}`, keys.chat!);
      expect(detail.body).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(detail.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 200]);

      expect(
        (await post(`/v1/webhooks/${ep.id}/deliveries/${randomUUID()}/redeliver`, keys.chat!)).status,
      ).toBe(404);
      expect((await post(path, keys.phone!)).status).toBe(404);
    });
  });

  describe('disabling', () => {
    it('disables an endpoint after repeated failures, holds its deliveries, and sends them when re-enabled', async () => {
      const r = await receiver(() => 500);
      const ep = await createEndpoint('email', r.url, ['ticket.created', 'ticket.status_changed']);
      const first = await openTicket('email');
      await until(
        async () => (await get(`/v1/webhooks/${ep.id}`, keys.email!)).body.status === 'disabled',
        15_000,
        'disabled',
      );
      const disabled = (await get(`/v1/webhooks/${ep.id}`, keys.email!)).body;
      expect(disabled).toMatchObject({
        status: 'disabled',
        failureStreak: 4,
        disabledAt: expect.any(String),
        disabledReason: expect.stringMatching(/4 consecutive failed attempts; last: HTTP 500/),
      });
      expect(r.requests).toHaveLength(4);

      // While disabled: new events are recorded as held, and nothing is sent.
      const second = await openTicket('email');
      await tickets.setStatus(agent, second.id, { status: 'pending' });
      await until(async () => (await deliveriesOf(ep.id)).length === 3, 10_000, 'held deliveries');
      await new Promise((x) => setTimeout(x, 200));
      expect((await deliveriesOf(ep.id)).map((d) => d.status)).toEqual(['held', 'held', 'held']);
      expect(r.requests).toHaveLength(4);
      const held = await get(`/v1/webhooks/${ep.id}/deliveries?status=held`, keys.email!);
      expect(held.body.data).toHaveLength(3);
      const anyHeld = held.body.data[0].id;
      const refused = await post(`/v1/webhooks/${ep.id}/deliveries/${anyHeld}/redeliver`, keys.email!);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('invalid_transition');

      // The partner fixes its receiver and re-enables the endpoint: everything held is sent.
      r.behaviour = () => 200;
      const enabled = await post(`/v1/webhooks/${ep.id}/enable`, keys.email!);
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({
        status: 'active',
        failureStreak: 0,
        disabledAt: null,
        disabledReason: null,
      });
      const events = [
        await eventId(first.id, 'TicketOpened'),
        await eventId(second.id, 'TicketOpened'),
        await eventId(second.id, 'TicketStatusChanged'),
      ];
      await r.waitFor((x) => events.every((id) => x.successesFor(id) === 1));
      await until(async () => (await deliveriesOf(ep.id)).every((d) => d.status === 'succeeded'));
      expect((await deliveriesOf(ep.id)).find((d) => d.event_id === events[0])!.attempts).toBe(5);
      expect((await post(`/v1/webhooks/${randomUUID()}/enable`, keys.email!)).status).toBe(404);
    });

    it('deleting an endpoint stops its deliveries; the other endpoints of the channel go on', async () => {
      const gone = await receiver();
      const stays = await receiver();
      const a = await createEndpoint('email', gone.url, ['ticket.created']);
      await createEndpoint('email', stays.url, ['ticket.created']);
      expect(
        (await request(t.server).delete(`/v1/webhooks/${a.id}`).set('X-Api-Key', keys.email!)).status,
      ).toBe(204);
      const tk = await openTicket('email');
      const evt = await eventId(tk.id, 'TicketOpened');
      await stays.waitFor((x) => x.successesFor(evt) === 1);
      expect(gone.requests).toHaveLength(0);
      expect(await deliveriesOf(a.id)).toEqual([]);
    });
  });
});
