import { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, ConsumersHost, Principal, QueueName } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { WebhookReceiver, testConfig } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

/**
 * SLA clocks end to end: policies over GraphQL, clocks on the ticket stream, breach timers in the
 * worker (timers in seconds), reconcile after losing the queue, recomputes after a policy change.
 * Each test uses its own category so that its policy matches only its tickets.
 */
const ENV = { CONSUMER_POLL_MS: '100', RECONCILE_INTERVAL_SECONDS: '0' };

type Json = request.Response['body'];
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}
interface SlaEventRow {
  event_type: string;
  data: { target: string; revision: number; dueAt: string; at: string; previousDueAt?: string };
}

async function until<T>(check: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SLA (API + worker, real Postgres + Redis)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let redis: Redis;
  let tickets: TicketsService;
  let admin: string;
  let agentAuth: string;
  const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent' };
  const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };

  const gql = async (auth: string, query: string, variables?: Record<string, unknown>): Promise<Gql> =>
    (await request(api.server).post('/graphql').set('Authorization', auth).send({ query, variables }))
      .body as Gql;

  const POLICY = `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) {
    id name priority categories channels firstResponseSeconds nextResponseSeconds resolutionSeconds calendarId warningRatio } }`;
  const upsertPolicy = async (input: Record<string, unknown>) => {
    const r = await gql(admin, POLICY, {
      i: {
        name: 'p',
        priority: 'NORMAL',
        firstResponseSeconds: 3600,
        nextResponseSeconds: 3600,
        resolutionSeconds: 7200,
        ...input,
      },
    });
    expect(r.errors).toBeUndefined();
    return r.data.upsertSlaPolicy as Json;
  };
  const open = async (category: string, priority = 'normal') =>
    (
      await tickets.open(customer, {
        subject: 'Help',
        description: 'Something went wrong',
        category: category as 'fees',
        priority: priority as 'normal',
      })
    ).result;
  const slaEvents = async (ticketId: string) =>
    (await ds.query(
      `SELECT event_type, data FROM es_events WHERE stream_id = $1 AND event_type LIKE 'Sla%' ORDER BY stream_position`,
      [ticketId],
    )) as SlaEventRow[];
  const eventOf = (ticketId: string, type: string, target?: string) =>
    until(async () =>
      (await slaEvents(ticketId)).find((e) => e.event_type === type && (!target || e.data.target === target)),
    );

  beforeAll(async () => {
    api = await startApiApp({ env: ENV });
    worker = await createWorker(testConfig(api.db, ENV));
    ds = api.app.get(DataSource);
    redis = new Redis(api.config.redisUrl);
    tickets = api.app.get(TicketsService);
    admin = api.bearer({ sub: 'ops', role: 'admin' });
    agentAuth = api.bearer({ sub: 'agent-1', role: 'agent' });
  });
  afterAll(async () => {
    redis?.disconnect();
    await worker?.close();
    await api?.close();
  });

  it('admins configure policies and calendars; staff read them; bad input is a clear error', async () => {
    const cal = await gql(
      admin,
      `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { id name timeZone hours { weekday opens closes } holidays } }`,
      {
        i: {
          id: 'office',
          name: 'Office',
          timeZone: 'Asia/Shanghai',
          hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }],
          holidays: ['2026-10-01'],
        },
      },
    );
    expect(cal.errors).toBeUndefined();
    expect(cal.data.upsertBusinessCalendar).toMatchObject({
      id: 'office',
      hours: [{ weekday: 1, opens: '09:00' }],
    });
    const p = await upsertPolicy({
      id: 'vip',
      name: 'VIP',
      priority: 'LOW',
      categories: ['PRIVACY'],
      calendarId: 'office',
    });
    expect(p).toMatchObject({
      id: 'vip',
      priority: 'LOW',
      categories: ['PRIVACY'],
      calendarId: 'office',
      warningRatio: 0.8,
    });

    const channels = await gql(
      admin,
      `mutation($i: SetSlaPolicyChannelsInput!) { setSlaPolicyChannels(input: $i) { id channels } }`,
      { i: { policyId: 'vip', channels: ['PHONE', 'CHAT'] } },
    );
    expect(channels.data.setSlaPolicyChannels).toEqual({ id: 'vip', channels: ['CHAT', 'PHONE'] });
    // Saving the policy again without channels keeps them.
    const again = await upsertPolicy({
      id: 'vip',
      name: 'VIP',
      priority: 'LOW',
      categories: ['PRIVACY'],
      calendarId: 'office',
    });
    expect(again.channels).toEqual(['CHAT', 'PHONE']);

    const listed = await gql(agentAuth, `{ slaPolicies { id } businessCalendars { id timeZone } }`);
    expect(listed.data.slaPolicies.map((x: { id: string }) => x.id)).toContain('vip');
    expect(listed.data.businessCalendars).toEqual(
      expect.arrayContaining([{ id: 'office', timeZone: 'Asia/Shanghai' }]),
    );

    const forbidden = await gql(agentAuth, POLICY, {
      i: {
        name: 'x',
        priority: 'LOW',
        firstResponseSeconds: 1,
        nextResponseSeconds: 1,
        resolutionSeconds: 1,
      },
    });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badZone = await gql(
      admin,
      `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { id } }`,
      {
        i: { name: 'Mars', timeZone: 'Mars/Base', hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }] },
      },
    );
    expect(badZone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const noCalendar = await gql(admin, POLICY, {
      i: {
        name: 'x',
        priority: 'LOW',
        firstResponseSeconds: 1,
        nextResponseSeconds: 1,
        resolutionSeconds: 1,
        calendarId: 'nope',
      },
    });
    expect(noCalendar.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('breaches within a second of the due time (3-second target), visible in GraphQL and the filters', async () => {
    await upsertPolicy({ name: 'fast', categories: ['TECHNICAL'], firstResponseSeconds: 3 });
    const t = await open('technical');
    expect(t.sla.firstResponse).toMatchObject({ status: 'active' });
    const breach = await eventOf(t.id, 'SlaTargetBreached', 'first_response');
    const lateMs = Date.parse(breach.data.at) - Date.parse(breach.data.dueAt);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1000);
    expect(breach.data.dueAt).toBe(t.sla.firstResponse!.dueAt);
    // The escalation module reacts to the breach (trigger sla_breach); the SLA module does not escalate.
    await until(async () => {
      const rows = (await ds.query(
        `SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
        [t.id],
      )) as Array<{ data: { trigger: string } }>;
      return rows.some((r) => r.data.trigger === 'sla_breach');
    });

    const q = await gql(
      agentAuth,
      `query($id: ID!) { ticket(id: $id) { sla { policyId firstResponse { status dueAt breachedAt } resolution { status } } }
        tickets(filter: { slaBreached: true }, orderBy: { field: NEXT_SLA_DUE_AT, direction: ASC }) { edges { node { id } } } }`,
      { id: t.id },
    );
    expect(q.errors).toBeUndefined();
    expect(q.data.ticket.sla.firstResponse).toEqual({
      status: 'BREACHED',
      dueAt: breach.data.dueAt,
      breachedAt: breach.data.at,
    });
    expect(q.data.ticket.sla.resolution.status).toBe('ACTIVE');
    expect(q.data.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(t.id);
    const asOf = await gql(
      agentAuth,
      `query($id: ID!, $at: DateTime) { ticket(id: $id, asOf: $at) { sla { firstResponse { status } } } }`,
      {
        id: t.id,
        at: new Date().toISOString(),
      },
    );
    expect(asOf.data.ticket.sla.firstResponse.status).toBe('BREACHED');
  }, 30_000);

  it('an answered ticket never breaches its first response', async () => {
    await upsertPolicy({ name: 'answered', categories: ['FEES'], firstResponseSeconds: 2 });
    const t = await open('fees');
    await tickets.reply(agent, t.id, { body: 'On it' });
    await sleep(3000);
    const events = await slaEvents(t.id);
    expect(events.map((e) => e.event_type)).toContain('SlaTargetMet');
    expect(events.map((e) => e.event_type)).not.toContain('SlaTargetBreached');
    const { rows } = {
      rows: (await ds.query(`SELECT sla_breached FROM ticket_view WHERE id = $1`, [t.id])) as Json[],
    };
    expect(rows[0].sla_breached).toBe(false);
  }, 30_000);

  it("a pending ticket's clock pauses and its due time moves by the paused time", async () => {
    await upsertPolicy({ name: 'pausing', categories: ['CROSS_BORDER'], firstResponseSeconds: 3 });
    const t = await open('cross_border');
    await tickets.setStatus(agent, t.id, { status: 'pending' });
    await sleep(3500); // past the original due time, paused
    expect((await slaEvents(t.id)).map((e) => e.event_type)).not.toContain('SlaTargetBreached');
    await tickets.reply(customer, t.id, { body: 'Here you go' }); // pending → open
    const events = await slaEvents(t.id);
    const paused = events.find(
      (e) => e.event_type === 'SlaTargetPaused' && e.data.target === 'first_response',
    )!;
    const resumed = events.find(
      (e) => e.event_type === 'SlaTargetResumed' && e.data.target === 'first_response',
    )!;
    const pausedMs = Date.parse(resumed.data.at) - Date.parse(paused.data.at);
    expect(Date.parse(resumed.data.dueAt) - Date.parse(resumed.data.previousDueAt!)).toBe(pausedMs);
    expect(resumed.data.revision).toBeGreaterThan(paused.data.revision);
    // The resumed clock still breaches, under its new revision.
    const breach = await eventOf(t.id, 'SlaTargetBreached', 'first_response');
    expect(breach.data).toMatchObject({ revision: resumed.data.revision, dueAt: resumed.data.dueAt });
  }, 30_000);

  it('a calendar with closed hours delays the due time to the next opening', async () => {
    const tomorrow = (new Date().getUTCDay() + 1) % 7;
    const cal = await gql(
      admin,
      `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { id } }`,
      {
        i: {
          id: 'tomorrow-only',
          name: 'Tomorrow',
          timeZone: 'UTC',
          hours: [{ weekday: tomorrow, opens: '00:00', closes: '24:00' }],
        },
      },
    );
    expect(cal.errors).toBeUndefined();
    await upsertPolicy({
      name: 'office',
      categories: ['CARD_UNBINDING'],
      firstResponseSeconds: 60,
      calendarId: 'tomorrow-only',
    });
    const t = await open('card_unbinding');
    const now = new Date();
    const nextMidnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const due = new Date(nextMidnight + 60_000).toISOString();
    expect(t.sla.firstResponse!.dueAt).toBe(due);
    const before = async (ms: number) =>
      (
        await gql(
          agentAuth,
          `query($b: DateTime) { tickets(filter: { slaDueBefore: $b, category: [CARD_UNBINDING] }) { edges { node { id } } } }`,
          {
            b: new Date(Date.parse(due) + ms).toISOString(),
          },
        )
      ).data.tickets.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await before(1000)).toEqual([t.id]);
    expect(await before(-1000)).toEqual([]);
  });

  it('a policy change recomputes the due times of open tickets as new revisions', async () => {
    const p = await upsertPolicy({
      name: 'refunds',
      categories: ['REFUND_NOT_RECEIVED'],
      resolutionSeconds: 3600,
    });
    const t = await open('refund_not_received');
    const before = t.sla.resolution!;
    await upsertPolicy({
      id: p.id,
      name: 'refunds',
      categories: ['REFUND_NOT_RECEIVED'],
      resolutionSeconds: 7200,
    });
    const recalculated = await eventOf(t.id, 'SlaTargetRecalculated', 'resolution');
    expect(recalculated.data.revision).toBeGreaterThan(before.revision!);
    expect(Date.parse(recalculated.data.dueAt) - Date.parse(before.dueAt!)).toBe(3600_000);
    const view = await until(async () => {
      const r = (await ds.query(`SELECT sla FROM ticket_view WHERE id = $1`, [t.id])) as Json[];
      return r[0].sla.resolution.dueAt === recalculated.data.dueAt && r[0];
    });
    expect(view.sla.resolution.revision).toBe(recalculated.data.revision);
  }, 30_000);

  it('REST shows the due times of a partner ticket', async () => {
    await upsertPolicy({
      name: 'partners',
      categories: ['ABNORMAL_CHARGE'],
      priority: 'HIGH',
      firstResponseSeconds: 600,
    });
    const key = await api.app.get(ApiKeyService).create('phone', 'call-centre');
    const r = await request(api.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key.secret)
      .send({
        subject: 'Charge',
        description: 'Twice',
        category: 'abnormal_charge',
        customer: { id: 'c-9' },
      });
    expect(r.status).toBe(201);
    expect(
      Date.parse(r.body.sla.firstResponseDueAt) - Date.parse(r.body.createdAt ?? new Date().toISOString()),
    ).toBeLessThanOrEqual(600_000);
    expect(r.body.sla.resolutionDueAt).toEqual(expect.any(String));
  });

  it('partners receive ticket.sla_warning and ticket.sla_breached webhooks', async () => {
    await upsertPolicy({ name: 'partner-hooks', categories: ['OTHER'], firstResponseSeconds: 2 });
    const receiver = await WebhookReceiver.start();
    try {
      const key = await api.app.get(ApiKeyService).create('chat', 'chat-vendor');
      const hook = await request(api.server)
        .post('/v1/webhooks')
        .set('X-Api-Key', key.secret)
        .send({ url: receiver.url, events: ['ticket.sla_warning', 'ticket.sla_breached'] });
      expect(hook.status).toBe(201);
      const r = await request(api.server)
        .post('/v1/tickets')
        .set('X-Api-Key', key.secret)
        .send({ subject: 'Help', description: 'Chat dropped', category: 'other', customer: { id: 'c-7' } });
      expect(r.status).toBe(201);
      await receiver.waitFor((x) => x.ofType('ticket.sla_breached').length > 0, 20_000);
      const [warning] = receiver.ofType('ticket.sla_warning');
      const [breach] = receiver.ofType('ticket.sla_breached');
      expect(warning.json.data).toMatchObject({ target: 'first_response', ticket: { id: r.body.id } });
      expect(breach.json.data).toEqual({
        ticket: { id: r.body.id, number: r.body.number, channel: 'chat', externalRef: null },
        target: 'first_response',
        dueAt: r.body.sla.firstResponseDueAt,
      });
    } finally {
      await receiver.close();
    }
  }, 40_000);

  const wipeQueue = async () => {
    // Delete the test's queue keys: what a flushed Redis looks like to us.
    const prefix = `${api.config.queuePrefix}:${QueueName.SlaTimers}`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  };
  const jobKeysOf = (ticketId: string) =>
    redis.keys(`${api.config.queuePrefix}:${QueueName.SlaTimers}:sla-${ticketId}-*`);

  it('restores timers lost with the queue: reconcile brings them back and they still breach', async () => {
    await upsertPolicy({ name: 'flush', categories: ['PASSWORD_RESET'], firstResponseSeconds: 4 });
    const t = await open('password_reset');
    await until(async () => (await jobKeysOf(t.id)).length > 0);
    await wipeQueue();
    expect(await jobKeysOf(t.id)).toEqual([]);
    const submitted = (await worker.get(ConsumersHost).reconcileNow()) as Record<string, number>;
    expect(submitted['sla.timers']).toBeGreaterThan(0);
    expect((await jobKeysOf(t.id)).length).toBeGreaterThan(0);
    const breach = await eventOf(t.id, 'SlaTargetBreached', 'first_response');
    expect(Date.parse(breach.data.at) - Date.parse(breach.data.dueAt)).toBeLessThan(1000);
  }, 30_000);

  it('a target already past due when its lost timer is restored breaches at once; lost recomputes come back', async () => {
    await upsertPolicy({ name: 'late', categories: ['COMPLAINT'], firstResponseSeconds: 2 });
    const t = await open('complaint');
    await until(async () => (await jobKeysOf(t.id)).length > 0);
    await wipeQueue();
    await sleep(Date.parse(t.sla.firstResponse!.dueAt!) - Date.now() + 500);
    expect((await slaEvents(t.id)).map((e) => e.event_type)).not.toContain('SlaTargetBreached');
    // A recompute whose completion was never recorded (lost with Redis) is submitted again.
    await ds.query(`DELETE FROM es_inbox WHERE handler = 'sla.recompute'`);
    const reconciledAt = Date.now();
    const submitted = (await worker.get(ConsumersHost).reconcileNow()) as Record<string, number>;
    const configEvents = Number(
      (
        (await ds.query(
          `SELECT count(*) AS c FROM es_events WHERE stream_type IN ('sla_policy', 'business_calendar')`,
        )) as Array<{ c: string }>
      )[0].c,
    );
    expect(submitted['sla.timers']).toBeGreaterThan(configEvents);
    const breach = await eventOf(t.id, 'SlaTargetBreached', 'first_response');
    expect(Date.parse(breach.data.at) - reconciledAt).toBeLessThan(2000);
    await until(async () => {
      const rows = (await ds.query(
        `SELECT count(*) AS c FROM es_inbox WHERE handler = 'sla.recompute'`,
      )) as Array<{
        c: string;
      }>;
      return Number(rows[0].c) === configEvents;
    });
  }, 30_000);
});
