import { getQueueToken } from '@nestjs/bullmq';
import { SYSTEM, Category } from '@kefu/kernel';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AgentsModule, AgentsService } from '@kefu/agents';
import { EscalationJobs, EscalationRouter } from '@kefu/escalation';
import { EventStore, Principal, QueueName, inTransaction } from '@kefu/platform';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from './bootstrap';

// Each test works in its own ticket language, so the agents of one test never match another's tickets.
const admin: Principal = { kind: 'user', sub: 'admin-1', role: 'admin' };
const agent: Principal = { kind: 'user', sub: 'l1-agent', role: 'agent' };
const customerOf = (customerId: string): Principal => ({
  kind: 'user',
  sub: `u-${customerId}`,
  role: 'customer',
  customerId,
});

async function waitFor<T>(read: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface EventRow {
  event_type: string;
  data: Record<string, unknown>;
}

describe('escalation routing (worker, real Postgres + Redis)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let tickets: TicketsService;
  let agents: AgentsService;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The worker has no agents module of its own; the test registers agents through it.
    worker = await createWorker(testConfig(db), [AgentsModule]);
    tickets = worker.get(TicketsService);
    agents = worker.get(AgentsService);
    ds = worker.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  const register = async (
    id: string,
    o: {
      tier?: 'L1' | 'L2' | 'L3';
      languages: string[];
      categories?: Category[];
      max?: number;
      online?: boolean;
    },
  ) => {
    await agents.register(admin, {
      agentId: id,
      name: id,
      tier: o.tier ?? 'L2',
      languages: o.languages,
      categories: o.categories ?? [],
      maxOpenTickets: o.max ?? 10,
    });
    if (o.online !== false) await agents.setAvailability(admin, id, true);
  };

  const open = async (language: string, category: Category = 'refund', customerId = 'cust-1') => {
    const { result } = await tickets.open(customerOf(customerId), {
      subject: 'Help',
      description: 'Something is wrong',
      category,
      language,
    });
    return result.id;
  };

  const assigneeOf = async (id: string) =>
    (
      (await ds.query(`SELECT assignee_id FROM ticket_view WHERE id = $1`, [id])) as Array<{
        assignee_id: string | null;
      }>
    )[0].assignee_id ?? undefined;

  const eventsOf = async (streamId: string) =>
    (await ds.query(`SELECT event_type, data FROM es_events WHERE stream_id = $1 ORDER BY stream_position`, [
      streamId,
    ])) as EventRow[];

  const escalationEvents = (ticketId: string) => eventsOf(`escalation-${ticketId}`);

  it('assigns the least-loaded available senior agent who speaks the language', async () => {
    await register('en-busy', { languages: ['en'] });
    await register('en-light', { languages: ['en', 'zh-CN'] });
    await register('en-offline', { languages: ['en'], online: false });
    await register('fr-only', { languages: ['fr-FR'] });
    await register('en-l3', { tier: 'L3', languages: ['en'] });
    // Load: en-busy has two open tickets, en-light one.
    for (const who of ['en-busy', 'en-busy', 'en-light']) await tickets.assign(admin, await open('en'), who);

    const id = await open('en');
    await tickets.escalate(agent, id, { reason: 'Needs a senior' });
    expect(await waitFor(() => assigneeOf(id))).toBe('en-light');
    const events = await escalationEvents(id);
    expect(events.map((e) => e.event_type)).toEqual(['EscalationRouted']);
    expect(events[0].data).toMatchObject({
      ticketId: id,
      trigger: 'agent',
      fromTier: 'L1',
      toTier: 'L2',
      agentId: 'en-light',
      by: 'routing',
      load: 1,
    });
  });

  it('queues when nobody of the tier can take it, and assigns when a matching agent comes online', async () => {
    await register('es-l1', { tier: 'L1', languages: ['es'] });
    const id = await open('es');
    await tickets.escalate(agent, id, { reason: 'Needs a senior' });
    await waitFor(async () => ((await escalationEvents(id)).length ? true : undefined));
    expect((await escalationEvents(id)).map((e) => e.event_type)).toEqual(['EscalationQueued']);
    expect(await ds.query(`SELECT tier FROM escalation_queue WHERE ticket_id = $1`, [id])).toEqual([
      { tier: 'L2' },
    ]);
    expect(await assigneeOf(id)).toBeUndefined();

    await register('es-senior', { languages: ['es'] });
    expect(await waitFor(() => assigneeOf(id))).toBe('es-senior');
    const events = await escalationEvents(id);
    expect(events.map((e) => e.event_type)).toEqual(['EscalationQueued', 'EscalationRouted']);
    expect(events[1].data).toMatchObject({ agentId: 'es-senior', queuedAt: events[0].data.at });
    expect(await ds.query(`SELECT 1 FROM escalation_queue WHERE ticket_id = $1`, [id])).toEqual([]);
  });

  it('matches categories and language ranges', async () => {
    await register('de-fees', { languages: ['de'], categories: ['fees'] });
    const refund = await open('de-AT', 'refund');
    const fees = await open('de-AT', 'fees');
    await tickets.escalate(agent, refund, { reason: 'x' });
    await tickets.escalate(agent, fees, { reason: 'x' });
    expect(await waitFor(() => assigneeOf(fees))).toBe('de-fees');
    await waitFor(async () => ((await escalationEvents(refund)).length ? true : undefined));
    expect((await escalationEvents(refund)).map((e) => e.event_type)).toEqual(['EscalationQueued']);
    expect(await assigneeOf(refund)).toBeUndefined();
  });

  it('routes 50 tickets escalated at once exactly once each, spread by load', async () => {
    const seniors = ['ja-1', 'ja-2', 'ja-3', 'ja-4', 'ja-5'];
    for (const s of seniors) await register(s, { languages: ['ja'], max: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await open('ja', 'payment_failed', `cust-ja-${i}`));
    const started = Date.now();
    await Promise.all(ids.map((id) => tickets.escalate(agent, id, { reason: 'burst' })));
    await waitFor(async () => {
      const rows = (await ds.query(
        `SELECT count(*)::int AS n FROM ticket_view WHERE id = ANY($1) AND assignee_id IS NOT NULL`,
        [ids],
      )) as Array<{ n: number }>;
      return rows[0].n === 50 ? true : undefined;
    }, 60_000);
    process.stderr.write(`escalation burst: 50 tickets routed in ${Date.now() - started} ms\n`);
    // The event log: exactly one assignment and one routing record per ticket.
    const assigned = (await ds.query(
      `SELECT stream_id, count(*)::int AS n FROM es_events
        WHERE stream_id = ANY($1) AND event_type = 'TicketAssigned' GROUP BY stream_id`,
      [ids],
    )) as Array<{ n: number }>;
    expect(assigned).toHaveLength(50);
    expect(assigned.every((r) => r.n === 1)).toBe(true);
    const routed = (await ds.query(
      `SELECT data->>'agentId' AS agent, count(*)::int AS n FROM es_events
        WHERE stream_id = ANY($1) AND event_type = 'EscalationRouted' GROUP BY 1`,
      [ids.map((id) => `escalation-${id}`)],
    )) as Array<{ agent: string; n: number }>;
    expect(routed.reduce((s, r) => s + r.n, 0)).toBe(50);
    expect(Object.fromEntries(routed.map((r) => [r.agent, r.n]))).toEqual(
      Object.fromEntries(seniors.map((s) => [s, 10])),
    );
  });

  it('a redelivered or duplicate routing job does nothing', async () => {
    await register('nl-senior', { languages: ['nl'] });
    const id = await open('nl');
    await tickets.escalate(agent, id, { reason: 'x' });
    expect(await waitFor(() => assigneeOf(id))).toBe('nl-senior');
    const escalated = (await ds.query(
      `SELECT event_id, data FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
      [id],
    )) as Array<{ event_id: string; data: { trigger: 'agent'; fromTier: 'L1'; toTier: 'L2' } }>;
    const ref = {
      escalationId: escalated[0].event_id,
      ticketId: id,
      trigger: escalated[0].data.trigger,
      fromTier: escalated[0].data.fromTier,
      toTier: escalated[0].data.toTier,
    };
    await register('nl-idle', { languages: ['nl'] });
    const router = worker.get(EscalationRouter);
    const before = (await eventsOf(id)).length;
    // The same job delivered again (inbox), and the same escalation under another job id (stream).
    expect(await router.route(ref, { messageId: `route-${ref.escalationId}` })).toBe('already_handled');
    expect(await router.route(ref, { messageId: `other-${randomUUID()}` })).toBe('already_handled');
    expect((await eventsOf(id)).length).toBe(before);
    expect((await escalationEvents(id)).map((e) => e.event_type)).toEqual(['EscalationRouted']);
    expect(await assigneeOf(id)).toBe('nl-senior');
  });

  it('concurrent routing jobs for the same escalation assign once', async () => {
    await register('da-1', { languages: ['da'] });
    await register('da-2', { languages: ['da'] });
    const id = await open('da');
    await tickets.escalate(agent, id, { reason: 'x' });
    const [e] = (await ds.query(
      `SELECT event_id, data FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
      [id],
    )) as Array<{ event_id: string; data: { trigger: 'agent'; fromTier: 'L1'; toTier: 'L2' } }>;
    const ref = { escalationId: e.event_id, ticketId: id, ...e.data };
    const router = worker.get(EscalationRouter);
    // Five jobs under different ids race each other (and the worker's own job).
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => router.route(ref, { messageId: `race-${randomUUID()}` })),
    );
    expect(outcomes.filter((o) => o === 'routed').length).toBeLessThanOrEqual(1);
    await waitFor(() => assigneeOf(id));
    await new Promise((r) => setTimeout(r, 300));
    expect((await eventsOf(id)).filter((x) => x.event_type === 'TicketAssigned')).toHaveLength(1);
    expect((await escalationEvents(id)).map((x) => x.event_type)).toEqual(['EscalationRouted']);
  });

  it("routes other modules' escalations whatever their trigger, to the tier they chose", async () => {
    await register('pl-senior', { languages: ['pl'] });
    await register('pl-supervisor', { tier: 'L3', languages: ['pl'] });
    const id = await open('pl', 'transaction_dispute');
    // As disputes would: straight to L3 for a large amount.
    await inTransaction(ds, (tx) =>
      tickets.executeIn(tx, SYSTEM, id, 'EscalateTicket', {
        trigger: 'dispute_amount',
        toTier: 'L3',
        reason: 'Dispute over the threshold',
      }),
    );
    expect(await waitFor(() => assigneeOf(id))).toBe('pl-supervisor');
    expect((await escalationEvents(id))[0].data).toMatchObject({
      trigger: 'dispute_amount',
      fromTier: 'L1',
      toTier: 'L3',
      agentId: 'pl-supervisor',
    });
  });

  it("routes a customer's escalation request", async () => {
    await register('ko-senior', { languages: ['ko'] });
    const id = await open('ko', 'refund', 'cust-ko');
    await tickets.requestEscalation(customerOf('cust-ko'), id, 'I want a senior agent');
    expect(await waitFor(() => assigneeOf(id))).toBe('ko-senior');
    const escalated = (await eventsOf(id)).filter((e) => e.event_type === 'TicketEscalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0].data).toMatchObject({
      trigger: 'customer_request',
      toTier: 'L2',
      reason: 'I want a senior agent',
    });
  });

  it('escalates and routes on an SLA breach event', async () => {
    await register('it-senior', { languages: ['it'] });
    const id = await open('it', 'payment_failed');
    const now = new Date().toISOString();
    await inTransaction(ds, (tx) =>
      worker.get(EventStore).append(tx, {
        streamId: id,
        streamType: 'ticket',
        expectedVersion: 'stream_exists',
        events: [
          { type: 'SlaTargetBreached', data: { target: 'first_response', revision: 1, dueAt: now, at: now } },
        ],
      }),
    );
    expect(await waitFor(() => assigneeOf(id))).toBe('it-senior');
    const escalated = (await eventsOf(id)).filter((e) => e.event_type === 'TicketEscalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0].data).toMatchObject({ trigger: 'sla_breach', fromTier: 'L1', toTier: 'L2' });
  });

  it('escalates a ticket reopened more than twice, once', async () => {
    await register('pt-senior', { languages: ['pt'] });
    const id = await open('pt', 'refund', 'cust-pt');
    for (let i = 0; i < 4; i++) {
      await tickets.setStatus(agent, id, { status: 'solved' });
      await tickets.reply(customerOf('cust-pt'), id, { body: 'Still broken' });
    }
    await waitFor(async () =>
      (await eventsOf(id)).some((e) => e.event_type === 'TicketEscalated') ? true : undefined,
    );
    expect(await waitFor(() => assigneeOf(id).then((a) => (a === 'pt-senior' ? a : undefined)))).toBe(
      'pt-senior',
    );
    // Give a wrongly dispatched second escalation time to show up.
    await new Promise((r) => setTimeout(r, 500));
    const escalated = (await eventsOf(id)).filter((e) => e.event_type === 'TicketEscalated');
    expect(escalated.map((e) => e.data.trigger)).toEqual(['reopened']);
  });

  it('breaks a tie in load by the longest idle agent', async () => {
    await register('sv-a', { languages: ['sv'] });
    await register('sv-b', { languages: ['sv'] });
    // sv-a had a ticket a moment ago (solved now, so the loads are equal again); sv-b never had one.
    const earlier = await open('sv');
    await tickets.assign(admin, earlier, 'sv-a');
    await tickets.setStatus(admin, earlier, { status: 'solved' });
    await waitFor(async () => {
      const rows = (await ds.query(
        `SELECT 1 FROM escalation_agent_activity WHERE agent_id = 'sv-a'`,
      )) as unknown[];
      return rows.length ? true : undefined;
    });
    const id = await open('sv');
    await tickets.escalate(agent, id, { reason: 'x' });
    // By id alone sv-a would win the tie.
    expect(await waitFor(() => assigneeOf(id))).toBe('sv-b');
  });

  it('the reconciler brings back lost jobs only, and a re-run job changes nothing', async () => {
    const reconciler = worker.get(EscalationJobs);
    const waitingTiers = (await ds.query(`SELECT DISTINCT tier FROM escalation_queue`)) as unknown[];
    // Every trigger and routing job committed (inbox rows): only the queue drains come back.
    expect(await reconciler.reconcile()).toBe(waitingTiers.length);

    await register('fi-senior', { languages: ['fi'] });
    const id = await open('fi');
    await tickets.escalate(agent, id, { reason: 'x' });
    expect(await waitFor(() => assigneeOf(id))).toBe('fi-senior');
    // As if Redis had lost the routing job before it committed: no job, no inbox row.
    const [{ event_id }] = (await ds.query(
      `SELECT event_id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
      [id],
    )) as Array<{ event_id: string }>;
    await ds.query(`DELETE FROM es_inbox WHERE handler = 'escalation.route' AND message_id = $1`, [
      `route-${event_id}`,
    ]);
    await worker.get<Queue>(getQueueToken(QueueName.Escalations)).remove(`route-${event_id}`);
    expect(await reconciler.reconcile()).toBe(waitingTiers.length + 1);
    await waitFor(async () => {
      const rows = (await ds.query(
        `SELECT 1 FROM es_inbox WHERE handler = 'escalation.route' AND message_id = $1`,
        [`route-${event_id}`],
      )) as unknown[];
      return rows.length ? true : undefined;
    });
    expect((await escalationEvents(id)).map((e) => e.event_type)).toEqual(['EscalationRouted']);
    expect((await eventsOf(id)).filter((e) => e.event_type === 'TicketAssigned')).toHaveLength(1);
  });
});
