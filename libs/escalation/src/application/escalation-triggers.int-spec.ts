import { DataSource } from 'typeorm';
import { CommandRunner, EventStore, PiiVault, Principal, inTransaction } from '@kefu/platform';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import {
  TicketEscalationLadder,
  TicketQueries,
  TicketSlaRules,
  TicketViewProjection,
  TicketsService,
} from '@kefu/tickets';
import { SlaRules, SlaTargetName } from '@kefu/tickets/domain';
import { triggerRoute } from '../jobs/escalation.routes';
import { EscalationSettings } from './escalation-settings';
import { EscalationTriggers } from './escalation-triggers';

// Issue 12: a breached ticket escalates once per kind of breach (response, resolution), not one tier
// per breached target; the agent's escalateTicket follows the ladder; the ladder matches segments.

const partner: Principal = { kind: 'partner', apiKeyId: 'k1', channel: 'app', name: 'app', partner: 'app' };
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ann' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-esc' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('escalation triggers (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new EventStore();
  /** Seconds per target of the one policy; changed per test. */
  let seconds: Record<SlaTargetName, number>;

  const sla: SlaRules = {
    termsFor: () => ({ policyId: 'fast', calendarId: null, warningRatio: 0.5, seconds }),
    clock: () => ({ addMs: (from, ms) => from + ms, betweenMs: (from, to) => to - from }),
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** The tickets spine with the SLA rules and the escalation ladder plugged in, as the apps wire it. */
  const wire = (ladderJson?: string) => {
    const config = testConfig(db, ladderJson ? { ESCALATION_LADDER: ladderJson } : {});
    const vault = new PiiVault(config, ds, store);
    const rules = new TicketSlaRules();
    rules.use(() => Promise.resolve(sla));
    const ladder = new TicketEscalationLadder();
    const commands = new CommandRunner(ds, store);
    const queries = new TicketQueries(ds, store, vault);
    const tickets = new TicketsService(commands, new TicketViewProjection(), queries, vault, rules, ladder);
    const settings = new EscalationSettings(config);
    const triggers = new EscalationTriggers(commands, tickets, settings);
    ladder.use((tx, id, trigger) => triggers.tierFor(tx, id, trigger));
    return { tickets, triggers, queries, route: triggerRoute(settings.reopenThreshold) };
  };

  const open = (tickets: TicketsService, customerRef: object = { id: 'cust-esc' }) =>
    tickets
      .open(partner, {
        subject: 'Payment failed',
        description: 'Declined twice',
        category: 'payment_failed',
        customer: customerRef as { id: string },
      })
      .then((r) => r.result);

  /** What the dispatcher and the escalation worker do with the ticket's breach events so far. */
  const runBreachJobs = async (w: ReturnType<typeof wire>, ticketId: string) => {
    const events = await inTransaction(ds, (tx) => store.readStream(tx, ticketId));
    const outcomes: string[] = [];
    for (const e of events.filter((x) => x.type === 'SlaTargetBreached')) {
      const job = w.route(e)!;
      outcomes.push(await w.triggers.escalate(job.data, { messageId: job.jobId }));
    }
    return outcomes;
  };

  it('a first-response breach and then a next-response breach escalate once (one kind)', async () => {
    seconds = { first_response: 1, next_response: 1, resolution: 3600 };
    const w = wire();
    const t = await open(w.tickets);
    await sleep(1100);
    await w.tickets.checkSla(t.id);
    expect(await runBreachJobs(w, t.id)).toEqual(['escalated']);
    expect((await w.queries.get(agent, t.id)).tier).toBe('L2');

    // Answered late; the customer writes again and the next response is late too.
    await w.tickets.reply(agent, t.id, { body: 'Sorry for the wait' });
    await w.tickets.reply(customer, t.id, { body: 'Still failing' });
    await sleep(1100);
    const checked = await w.tickets.checkSla(t.id);
    expect(checked.result.sla.nextResponse?.status).toBe('breached');
    // The first job again is already handled (inbox); the next-response breach is the same kind.
    expect(await runBreachJobs(w, t.id)).toEqual(['already_handled', 'nothing_to_do']);
    expect((await w.queries.get(agent, t.id)).tier).toBe('L2');
  });

  it('response and resolution breaching together: one rung for each kind, not per target twice', async () => {
    seconds = { first_response: 1, next_response: 1, resolution: 1 };
    const w = wire();
    const t = await open(w.tickets);
    await sleep(1100);
    await w.tickets.checkSla(t.id);
    expect(await runBreachJobs(w, t.id)).toEqual(['escalated', 'escalated']);
    const after = await w.queries.get(agent, t.id);
    expect(after).toMatchObject({ tier: 'L3', escalationLevel: 2 });
  });

  it("the agent's escalateTicket follows the configured ladder, and climbs one rung without a rule", async () => {
    seconds = { first_response: 3600, next_response: 3600, resolution: 3600 };
    const ruled = wire('[{"categories":["payment_failed"],"triggers":["agent"],"to":"L3"}]');
    const a = await open(ruled.tickets);
    const escalated = await ruled.tickets.escalate(agent, a.id, { reason: 'Card network issue' });
    expect(escalated.result.tier).toBe('L3');

    const plain = wire();
    const b = await open(plain.tickets);
    expect((await plain.tickets.escalate(agent, b.id, { reason: 'Need help' })).result.tier).toBe('L2');
  });

  it("matches the ladder on the customer's segment: a VIP's breach goes to a supervisor", async () => {
    seconds = { first_response: 1, next_response: 3600, resolution: 3600 };
    const w = wire();
    // The partner gives the segment with the customer (upper case: segments are normalised).
    const vip = await open(w.tickets, { id: 'cust-vip', segments: ['VIP'] });
    const other = await open(w.tickets, { id: 'cust-plain' });
    await sleep(1100);
    for (const t of [vip, other]) {
      await w.tickets.checkSla(t.id);
      expect(await runBreachJobs(w, t.id)).toEqual(['escalated']);
    }
    expect((await w.queries.get(agent, vip.id)).tier).toBe('L3');
    expect((await w.queries.get(agent, other.id)).tier).toBe('L2');
  });
});
