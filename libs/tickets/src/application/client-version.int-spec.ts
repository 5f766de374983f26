import { DataSource } from 'typeorm';
import { SYSTEM } from '@kefu/kernel';
import {
  CommandRunner,
  EventStore,
  PiiVault,
  Principal,
  inTransaction,
  isDomainError,
  rebuildProjections,
} from '@kefu/platform';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { SlaRules } from '../domain/ticket.sla.types';
import { TicketViewProjection } from '../projections/ticket-view.projection';
import { TicketQueries } from './ticket-queries';
import { TicketSlaRules } from './ticket-sla-rules';
import { TicketsService } from './tickets.service';

// docs/adr/0014-client-versions.md: what the worker writes on its own (SLA clocks, routing) leaves a
// client's expectedVersion valid; a person's change makes it stale. The stream version still moves.

const partner: Principal = { kind: 'partner', apiKeyId: 'k1', channel: 'app', name: 'app', partner: 'app' };
const ana: Principal = { kind: 'user', sub: 'agent-ana', role: 'agent', name: 'Ana' };
const bo: Principal = { kind: 'user', sub: 'agent-bo', role: 'agent', name: 'Bo' };

/** 24/7, first response due 1 s after opening (warning at 50 %): the clock fires within the test. */
const fastSla: SlaRules = {
  termsFor: () => ({
    policyId: 'fast',
    calendarId: null,
    warningRatio: 0.5,
    seconds: { first_response: 1, next_response: 0, resolution: 3600 },
  }),
  clock: () => ({ addMs: (from, ms) => from + ms, betweenMs: (from, to) => to - from }),
};

describe('client versions (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let tickets: TicketsService;
  let queries: TicketQueries;
  const store = new EventStore();
  const projection = new TicketViewProjection();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    const vault = new PiiVault(testConfig(db), ds, store);
    queries = new TicketQueries(ds, store, vault);
    const rules = new TicketSlaRules();
    rules.use(() => Promise.resolve(fastSla));
    tickets = new TicketsService(new CommandRunner(ds, store), projection, queries, vault, rules);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const open = async () =>
    (
      await tickets.open(partner, {
        subject: 'Payment failed',
        description: 'Card declined at checkout',
        category: 'payment_failed',
        customer: { id: 'cust-cv' },
      })
    ).result;
  const streamVersion = async (id: string) => inTransaction(ds, (tx) => store.streamVersion(tx, id));
  const conflict = async (p: Promise<unknown>) => {
    const e: unknown = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    return isDomainError(e) ? e.code : e;
  };

  it('an SLA warning and breach in between: the agent who loaded the ticket still replies', async () => {
    const t = await open();
    const seen = t.clientVersion;
    await new Promise((r) => setTimeout(r, 1100));
    const checked = await tickets.checkSla(t.id);
    // The clock wrote its events (the stream moved) but the version clients see did not.
    expect(checked.result.sla.firstResponse?.status).toBe('breached');
    expect(await streamVersion(t.id)).toBeGreaterThan(seen);
    expect(checked.result.version).toBeGreaterThan(seen);
    expect(checked.result.clientVersion).toBe(seen);
    const replied = await tickets.reply(ana, t.id, { body: 'Looking into it' }, { expectedVersion: seen });
    expect(replied.status).toBe(201);
    expect(replied.result.clientVersion).toBeGreaterThan(seen);
    expect(replied.result.clientVersion).toBe(await streamVersion(t.id));
  });

  it('routing in between (a system assignment): no conflict either', async () => {
    const t = await open();
    await inTransaction(ds, (tx) =>
      tickets.executeIn(tx, SYSTEM, t.id, 'AssignTicket', { agentId: 'agent-bo' }),
    );
    const after = await queries.get(bo, t.id);
    expect(after.assigneeId).toBe('agent-bo');
    expect(after.clientVersion).toBe(t.clientVersion);
    await expect(
      tickets.tag(ana, t.id, { add: ['card'] }, { expectedVersion: t.clientVersion }),
    ).resolves.toMatchObject({ result: { tags: ['card'] } });
  });

  it("another agent's reply in between: VERSION_CONFLICT, and nothing written", async () => {
    const t = await open();
    await tickets.reply(bo, t.id, { body: 'Bo here' }, { expectedVersion: t.clientVersion });
    const before = await streamVersion(t.id);
    expect(
      await conflict(tickets.reply(ana, t.id, { body: 'Ana here' }, { expectedVersion: t.clientVersion })),
    ).toBe('version_conflict');
    expect(await streamVersion(t.id)).toBe(before);
  });

  it('a person assigning in between is a change the client did not see: conflict', async () => {
    const t = await open();
    await tickets.assign(bo, t.id, 'agent-bo');
    expect(
      await conflict(tickets.reply(ana, t.id, { body: 'mine' }, { expectedVersion: t.clientVersion })),
    ).toBe('version_conflict');
  });

  it("the worker's auto-close is a business change: the version moves", async () => {
    const t = await open();
    const solved = await tickets.setStatus(ana, t.id, { status: 'solved' });
    const closed = await tickets.closeSolved(t.id, 0);
    expect(closed.result.status).toBe('closed');
    expect(closed.result.clientVersion).toBeGreaterThan(solved.result.clientVersion);
    expect(
      await conflict(
        tickets.tag(ana, t.id, { add: ['late'] }, { expectedVersion: solved.result.clientVersion }),
      ),
    ).toBe('version_conflict');
  });

  it('a rebuilt read model has the same client versions', async () => {
    const t = await open();
    await new Promise((r) => setTimeout(r, 1100));
    await tickets.checkSla(t.id);
    const before = await queries.get(ana, t.id);
    await rebuildProjections(ds, store, [projection]);
    const after = await queries.get(ana, t.id);
    expect(after.clientVersion).toBe(before.clientVersion);
    expect(after.version).toBe(before.version);
    expect(after.clientVersion).toBeLessThan(after.version);
  });
});
