import { DataSource } from 'typeorm';
import {
  ConsumerRunner,
  EventStore,
  UpcasterRegistry,
  inTransaction,
  rebuildProjections,
} from '@kefu/platform';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { QueueStatsQueries, QueueStatsView } from '../application/queue-stats.queries';
import { QueueStatsProjection } from './queue-stats.projection';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const agentReply = (s: number) => ({
  type: 'PublicReplyAdded',
  data: { author: { kind: 'agent' }, at: at(s) },
});

/**
 * Six tickets, times in seconds after T0. The figures below are worked out by hand from them:
 * L1 holds A (open, assigned, first agent reply after 120 s), B (new, unassigned, waiting since
 * 30), E (pending, unassigned since 40, only a customer reply) and F (closed, reply after 60):
 * open 3, unassigned 2, oldest waiting 30, median of [120, 60] = 90.
 * L2 holds C (escalated at 400, unassigned, agent reply at 460 → 60 s in L2) and D (escalated at
 * 500, assigned at 600, reply at 700 → 200 s, then solved): open 1, unassigned 1, oldest waiting
 * 400, median of [60, 200] = 130. L3 is empty.
 */
const FIXTURE: Record<string, Array<{ type: string; data: object }>> = {
  A: [
    { type: 'TicketOpened', data: { tier: 'L1', at: at(0) } },
    { type: 'TicketAssigned', data: { agentId: 'ag-1', at: at(60) } },
    agentReply(120),
    { type: 'TicketStatusChanged', data: { from: 'new', to: 'open', at: at(120) } },
  ],
  B: [{ type: 'TicketOpened', data: { tier: 'L1', at: at(30) } }],
  C: [
    { type: 'TicketOpened', data: { tier: 'L1', at: at(10) } },
    agentReply(310),
    { type: 'TicketEscalated', data: { fromTier: 'L1', toTier: 'L2', trigger: 'agent', at: at(400) } },
    agentReply(460),
  ],
  D: [
    { type: 'TicketOpened', data: { tier: 'L1', at: at(20) } },
    { type: 'TicketAssigned', data: { agentId: 'ag-2', at: at(50) } },
    agentReply(80),
    { type: 'TicketEscalated', data: { fromTier: 'L1', toTier: 'L2', trigger: 'sla_breach', at: at(500) } },
    { type: 'TicketUnassigned', data: { previousAgentId: 'ag-2', reason: 'escalated', at: at(500) } },
    { type: 'TicketAssigned', data: { agentId: 'sen-1', at: at(600) } },
    agentReply(700),
    { type: 'TicketStatusChanged', data: { from: 'new', to: 'solved', at: at(800) } },
  ],
  E: [
    { type: 'TicketOpened', data: { tier: 'L1', at: at(40) } },
    { type: 'PublicReplyAdded', data: { author: { kind: 'customer' }, at: at(50) } },
    { type: 'TicketStatusChanged', data: { from: 'new', to: 'pending', at: at(60) } },
  ],
  F: [
    { type: 'TicketOpened', data: { tier: 'L1', at: at(5) } },
    agentReply(65),
    { type: 'TicketStatusChanged', data: { from: 'new', to: 'solved', at: at(100) } },
    { type: 'TicketStatusChanged', data: { from: 'solved', to: 'closed', at: at(200) } },
  ],
};

const EXPECTED: QueueStatsView[] = [
  { tier: 'L1', open: 3, unassigned: 2, oldestWaitingSince: at(30), medianFirstResponseSeconds: 90 },
  { tier: 'L2', open: 1, unassigned: 1, oldestWaitingSince: at(400), medianFirstResponseSeconds: 130 },
  { tier: 'L3', open: 0, unassigned: 0, oldestWaitingSince: null, medianFirstResponseSeconds: null },
];

describe('queue statistics projector (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new EventStore(new UpcasterRegistry());
  const projection = new QueueStatsProjection();
  let queries: QueueStatsQueries;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    queries = new QueueStatsQueries(ds);
    // Interleaved across tickets, each ticket's events in order, as the log would hold them.
    const streams = Object.entries(FIXTURE);
    const longest = Math.max(...streams.map(([, es]) => es.length));
    for (let i = 0; i < longest; i++) {
      for (const [id, events] of streams) {
        if (!events[i]) continue;
        await inTransaction(ds, (tx) =>
          store.append(tx, {
            streamId: id,
            streamType: 'ticket',
            expectedVersion: 'any',
            events: [events[i]],
          }),
        );
      }
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('computes the figures of the hand-worked fixture from the log, asynchronously', async () => {
    const runner = new ConsumerRunner(ds, store, {
      name: 'queue-stats-test',
      batchSize: 7,
      handle: async (events, tx) => {
        await projection.applyAll(tx, events);
      },
    });
    // Other test files' open transactions hold the global log back: poll until it has caught up.
    const deadline = Date.now() + 20_000;
    let stats = await queries.all();
    while (JSON.stringify(stats) !== JSON.stringify(EXPECTED) && Date.now() < deadline) {
      await runner.drain();
      stats = await queries.all();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stats).toEqual(EXPECTED);
    expect(
      await ds.query(`SELECT agent_id, last_assigned_at FROM escalation_agent_activity ORDER BY agent_id`),
    ).toEqual([
      { agent_id: 'ag-1', last_assigned_at: new Date(at(60)) },
      { agent_id: 'ag-2', last_assigned_at: new Date(at(50)) },
      { agent_id: 'sen-1', last_assigned_at: new Date(at(600)) },
    ]);
  });

  it('applying the log again changes nothing, and a rebuild gives the same figures', async () => {
    const all = await inTransaction(ds, (tx) => store.readByPosition(tx, '0', 1000));
    await inTransaction(ds, (tx) => projection.apply(tx, all));
    expect(await queries.all()).toEqual(EXPECTED);
    await rebuildProjections(ds, store, [projection]);
    expect(await queries.all()).toEqual(EXPECTED);
  });
});
