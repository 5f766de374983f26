import { DataSource } from 'typeorm';
import {
  CommandRunner,
  EventStore,
  FixedClock,
  PiiVault,
  Principal,
  inTransaction,
  rebuildProjections,
} from '@kefu/platform';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { ticketViewFromEvents } from '../api/graphql/ticket-as-of';
import { TicketViewProjection } from '../projections/ticket-view.projection';
import { TicketQueries } from './ticket-queries';
import { TicketsService } from './tickets.service';

const partner: Principal = {
  kind: 'partner',
  apiKeyId: 'k1',
  channel: 'phone',
  name: 'call-centre',
  partner: 'call-centre',
};
const otherPartner: Principal = {
  kind: 'partner',
  apiKeyId: 'k2',
  channel: 'chat',
  name: 'chat-vendor',
  partner: 'chat-vendor',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };

describe('TicketsService (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let tickets: TicketsService;
  let queries: TicketQueries;
  let vault: PiiVault;
  const store = new EventStore();
  const projection = new TicketViewProjection();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    vault = new PiiVault(testConfig(db), ds, store);
    queries = new TicketQueries(ds, store, vault);
    tickets = new TicketsService(new CommandRunner(ds, store), projection, queries, vault);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const open = (p: Principal = partner) =>
    tickets.open(p, {
      subject: '付款失败 — payment failed',
      description: "Robert'); DROP TABLE ticket_view;-- <script>alert(1)</script>",
      category: 'account_stolen',
      customer: { id: 'cust-1', name: 'Li Wei' },
      tags: ['VIP', 'vip', 'wallet'],
    });

  it('opens a ticket with a human number, category priority and the partner channel, stored verbatim', async () => {
    const { result, status } = await open();
    expect(status).toBe(201);
    expect(result).toMatchObject({
      number: expect.stringMatching(/^KF-\d{6}$/),
      status: 'new',
      priority: 'urgent',
      channel: 'phone',
      tier: 'L1',
      tags: ['vip', 'wallet'],
      version: 1,
      subject: '付款失败 — payment failed',
      description: "Robert'); DROP TABLE ticket_view;-- <script>alert(1)</script>",
      openedBy: { kind: 'partner', id: 'call-centre' },
    });
  });

  it('runs the lifecycle: agent reply opens, solve, customer reply reopens', async () => {
    const { result: t } = await open();
    const r1 = await tickets.reply(agent, t.id, { body: 'Looking into it' });
    expect(r1.result).toMatchObject({ status: 'open', version: 3 });
    await tickets.setStatus(agent, t.id, { status: 'solved' });
    const r3 = await tickets.reply(customer, t.id, { body: 'Still broken' });
    expect(r3.result).toMatchObject({ status: 'open', reopenCount: 1 });
    const msgs = await queries.messages(t.id, false, 10);
    expect(msgs.items.map((m) => m.node.author.kind)).toEqual(['agent', 'customer']);
  });

  it('hides another channel’s tickets from a partner (404, nothing written)', async () => {
    const { result: t } = await open();
    await expect(tickets.reply(otherPartner, t.id, { body: 'hi' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      tickets.reply(otherPartner, t.id, { body: 'hi' }, { expectedVersion: 99 }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(queries.get(otherPartner, t.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await queries.get(partner, t.id)).version).toBe(1);
  });

  it('refuses a reply to a closed ticket with invalid_transition', async () => {
    const { result: t } = await open();
    await tickets.setStatus(agent, t.id, { status: 'solved' });
    // the domain measures the quiet period from the solved event: a zero quiet period closes now
    const closed = await tickets.closeSolved(t.id, 0);
    expect(closed.result.status).toBe('closed');
    await expect(tickets.reply(customer, t.id, { body: 'again' })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
  });

  it('applies a redelivered auto-close job once: the second delivery does nothing', async () => {
    const { result: t } = await open();
    const solved = await tickets.setStatus(agent, t.id, { status: 'solved' });
    const inbox = { handler: 'ticket-auto-close', messageId: `close-${t.id}` };
    // The first delivery runs (too early to close, but it ran); a redelivery must not run again,
    // even though it would close the ticket now.
    const first = await tickets.closeSolved(t.id, 3600, inbox);
    expect(first.result).toEqual(solved.result);
    const again = await tickets.closeSolved(t.id, 0, inbox);
    expect(again.result).toEqual(solved.result);
    // Another job id is another job.
    const other = await tickets.closeSolved(t.id, 0, { ...inbox, messageId: `${inbox.messageId}-2` });
    expect(other.result.status).toBe('closed');
  });

  it('ticket(asOf)’s in-memory fold agrees with the projection on every event type', async () => {
    const { result: t } = await open();
    await tickets.reply(agent, t.id, { body: 'Looking into it' });
    await tickets.addInternalNote(agent, t.id, { body: 'note' });
    await tickets.assign(agent, t.id, 'agent-1');
    await tickets.tag(agent, t.id, { add: ['refund', 'vip'], remove: ['wallet'] });
    await tickets.setPriority(agent, t.id, 'low');
    await tickets.requestEscalation(customer, t.id, 'supervisor please');
    await tickets.escalate(agent, t.id, { reason: 'risk' }); // escalated + unassigned
    await tickets.setStatus(agent, t.id, { status: 'solved' });
    await tickets.reply(customer, t.id, { body: 'Still broken' }); // reopened
    await tickets.setStatus(agent, t.id, { status: 'solved' });
    await tickets.closeSolved(t.id, 0); // status changed + closed
    const history = await inTransaction(ds, (tx) => store.readStream(tx, t.id));
    const types = new Set(history.map((e) => e.type));
    for (const type of [
      'TicketOpened',
      'PublicReplyAdded',
      'InternalNoteAdded',
      'TicketAssigned',
      'TicketUnassigned',
      'TicketStatusChanged',
      'TicketReopened',
      'TicketTagged',
      'TicketPriorityChanged',
      'TicketEscalationRequested',
      'TicketEscalated',
      'TicketClosed',
    ])
      expect(types).toContain(type);
    // Contact details are sealed in the log; the read side opens them (as TicketQueries.asOf does).
    expect(ticketViewFromEvents(await vault.reveal(history))).toEqual(await queries.get(agent, t.id));
  });

  it('rebuilds the read models from the log to identical rows', async () => {
    const dump = async () =>
      JSON.stringify([
        await ds.query(`SELECT * FROM ticket_view ORDER BY id`),
        await ds.query(`SELECT * FROM ticket_messages ORDER BY id`),
      ]);
    const before = await dump();
    const r = await rebuildProjections(ds, store, [projection]);
    expect(r.events).toBeGreaterThan(10);
    expect(await dump()).toEqual(before);
  });

  it('stamps commands with the injected clock, not the machine time', async () => {
    const clock = new FixedClock('2031-02-03T04:05:06.000Z');
    const fixed = new TicketsService(new CommandRunner(ds, store, { clock }), projection, queries, vault);
    const opened = (
      await fixed.open(agent, {
        subject: 'Clock',
        description: 'd',
        category: 'other',
        customer: { id: 'cust-9' },
      })
    ).result;
    expect(opened.createdAt).toBe('2031-02-03T04:05:06.000Z');
    clock.advance(60_000);
    const replied = (await fixed.reply(agent, opened.id, { body: 'later' })).result;
    expect(replied.updatedAt).toBe('2031-02-03T04:06:06.000Z');
  });
});
