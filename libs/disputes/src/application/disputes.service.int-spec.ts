import { DataSource } from 'typeorm';
import {
  AppConfig,
  CommandRunner,
  DomainError,
  EventStore,
  Principal,
  rebuildProjections,
  PiiVault,
} from '@kefu/platform';
import { RefundQueries, RefundViewProjection, RefundsService, refundEventSource } from '@kefu/refunds';
import { TicketQueries, TicketViewProjection, TicketsService } from '@kefu/tickets';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { DisputeViewProjection } from '../projections/dispute-view.projection';
import { disputeEventSource } from './dispute-events.source';
import { DisputeQueries } from './dispute-queries';
import { DisputesService, refundIdForDispute } from './disputes.service';

const partner: Principal = {
  kind: 'partner',
  apiKeyId: 'k1',
  channel: 'app',
  name: 'wallet-app',
  partner: 'wallet-app',
};
const merchantPortal: Principal = {
  kind: 'partner',
  apiKeyId: 'k2',
  channel: 'partner',
  name: 'merchant-portal',
  partner: 'merchant-portal',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent' };
const senior: Principal = { kind: 'user', sub: 'senior-1', role: 'senior_agent' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };
const otherCustomer: Principal = { kind: 'user', sub: 'u-2', role: 'customer', customerId: 'cust-2' };

let seq = 0;
const newTx = (amount = 10_000) => ({
  id: `dtx-${Date.now()}-${++seq}`,
  amount,
  currency: 'CNY',
  merchantId: 'm-42',
  occurredAt: new Date().toISOString(),
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('DisputesService (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let config: AppConfig;
  let disputes: DisputesService;
  let queries: DisputeQueries;
  let refundQueries: RefundQueries;
  let vault: PiiVault;
  const store = new EventStore();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    config = testConfig(db, {
      DISPUTE_MERCHANT_RESPONSE_SECONDS: '1',
      DISPUTE_CUSTOMER_EVIDENCE_SECONDS: '1',
      DISPUTE_ESCALATION_AMOUNT: '50000',
    });
    const commands = new CommandRunner(ds, store);
    vault = new PiiVault(testConfig(db), ds, store);
    const ticketQueries = new TicketQueries(ds, store, vault);
    const tickets = new TicketsService(commands, new TicketViewProjection(), ticketQueries, vault);
    refundQueries = new RefundQueries(ds, vault);
    const refunds = new RefundsService(
      commands,
      new RefundViewProjection(),
      refundQueries,
      tickets,
      ticketQueries,
      config,
      vault,
    );
    queries = new DisputeQueries(ds, vault);
    disputes = new DisputesService(
      commands,
      new DisputeViewProjection(),
      queries,
      tickets,
      ticketQueries,
      refunds,
      config,
      vault,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const open = (p: Principal, transaction = newTx(), claimedAmount = 8000) =>
    disputes.open(p, {
      customer: { id: 'cust-1' },
      transaction,
      reason: 'goods never arrived',
      claimedAmount,
    });

  it('opens on a new transaction_dispute ticket, awaiting the merchant', async () => {
    const { result: d, status } = await open(partner);
    expect(status).toBe(201);
    expect(d).toMatchObject({ status: 'awaiting_merchant', claimedAmount: 8000, merchantResponded: false });
    const t = (await ds.query(`SELECT category, tier FROM ticket_view WHERE id = $1`, [
      d.ticketId,
    ])) as Array<{
      category: string;
      tier: string;
    }>;
    expect(t[0]).toEqual({ category: 'transaction_dispute', tier: 'L1' });
    const link = (await ds.query(`SELECT ticket_id FROM es_stream_tickets WHERE stream_id = $1`, [
      d.id,
    ])) as Array<{
      ticket_id: string;
    }>;
    expect(link[0].ticket_id).toBe(d.ticketId);
  });

  it('five disputes of one transaction at once: one opens, four get dispute_already_open; nothing else written', async () => {
    const tx = newTx();
    const codes = await Promise.all(Array.from({ length: 5 }, () => codeOf(open(partner, tx))));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'dispute_already_open')).toHaveLength(4);
    const tickets = (await ds.query(
      `SELECT count(*)::int AS n FROM ticket_view WHERE "transaction"->>'id' = $1`,
      [tx.id],
    )) as Array<{ n: number }>;
    expect(tickets[0].n).toBe(1);
  });

  it('a withdrawn or decided dispute frees its transaction for a new one', async () => {
    const tx = newTx();
    const { result: d } = await open(customer, tx);
    expect(await codeOf(open(partner, tx))).toBe('dispute_already_open');
    await disputes.withdraw(customer, d.id, 'merchant refunded me');
    expect((await open(partner, tx)).result.status).toBe('awaiting_merchant');
  });

  it('a claim above the escalation amount escalates its ticket to L2 (trigger dispute_amount)', async () => {
    const { result: d } = await open(partner, newTx(100_000), 60_000);
    const e = (await ds.query(
      `SELECT data->>'trigger' AS trigger, data->>'toTier' AS tier FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
      [d.ticketId],
    )) as Array<{ trigger: string; tier: string }>;
    expect(e).toEqual([{ trigger: 'dispute_amount', tier: 'L2' }]);
  });

  it('merchant evidence moves it to review; windows close at the deadlines (evidence_window_closed)', async () => {
    const { result: d } = await open(partner);
    const { result: after } = await disputes.submitEvidence(
      merchantPortal === partner ? partner : partner,
      d.id,
      {
        party: 'merchant',
        kind: 'delivery_proof',
        description: 'signed by the customer',
      },
    );
    expect(after).toMatchObject({ status: 'under_review', merchantResponded: true });
    expect(after.evidence).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100)); // both windows are 1 s here
    expect(
      await codeOf(
        disputes.submitEvidence(customer, d.id, { party: 'customer', kind: 'chat_log', description: 'x' }),
      ),
    ).toBe('evidence_window_closed');
    expect(
      (
        await disputes.submitEvidence(agent, d.id, {
          party: 'agent',
          kind: 'note',
          description: 'called both',
        })
      ).result.evidence,
    ).toHaveLength(2);
  });

  it('a missed merchant deadline moves it to review flagged merchantResponded: false (once)', async () => {
    const { result: d } = await open(partner);
    expect(await disputes.merchantDeadline(d.id, { handler: 't', messageId: `early-${d.id}` })).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await disputes.merchantDeadline(d.id, { handler: 't', messageId: `late-${d.id}` })).toBe(true);
    expect(await disputes.merchantDeadline(d.id, { handler: 't', messageId: `again-${d.id}` })).toBe(false);
    expect(await queries.get(agent, d.id)).toMatchObject({
      status: 'under_review',
      merchantResponded: false,
    });
  });

  it('only seniors decide; WON creates the refund once, linked both ways, even when the decision is retried', async () => {
    const { result: d } = await open(partner);
    const decision = { outcome: 'won' as const, rationale: 'no proof of delivery' };
    expect(await codeOf(disputes.decide(agent, d.id, decision))).toBe('forbidden');
    const idem = { scope: 'user:senior-1', key: `k-${d.id}`, fingerprint: 'f' };
    // Three tries at once (a double click plus a retry), two of them with the same Idempotency-Key.
    const results = await Promise.allSettled([
      disputes.decide(senior, d.id, decision, { idempotency: idem }),
      disputes.decide(senior, d.id, decision, { idempotency: idem }),
      disputes.decide(senior, d.id, decision),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect((r.reason as DomainError).code).toMatch(/invalid_transition|idempotency_request_in_progress/);
    const decided = await queries.get(agent, d.id);
    expect(decided).toMatchObject({ status: 'won', awardedAmount: 8000, refundId: refundIdForDispute(d.id) });
    const refunds = (await ds.query(
      `SELECT id, dispute_id, status, amount FROM refund_view WHERE dispute_id = $1`,
      [d.id],
    )) as Array<{ id: string; dispute_id: string; status: string; amount: string }>;
    expect(refunds).toEqual([
      { id: decided.refundId, dispute_id: d.id, status: 'processing', amount: '8000' },
    ]);
    expect(await codeOf(disputes.decide(senior, d.id, decision))).toBe('invalid_transition');
    // The refund follows the ticket's access rules: the customer sees it, another does not.
    expect((await refundQueries.get(customer, decided.refundId!)).disputeId).toBe(d.id);
    expect(await codeOf(refundQueries.get(otherCustomer, decided.refundId!))).toBe('not_found');
  });

  it('SETTLED with an amount refunds it; LOST refunds nothing', async () => {
    const { result: a } = await open(partner);
    await disputes.decide(senior, a.id, {
      outcome: 'settled',
      awardedAmount: 2500,
      rationale: 'agreed half',
    });
    expect((await refundQueries.byIds([refundIdForDispute(a.id)]))[0]).toMatchObject({
      amount: 2500,
      status: 'processing',
    });
    const { result: b } = await open(partner);
    const { result: lost } = await disputes.decide(senior, b.id, { outcome: 'lost', rationale: 'delivered' });
    expect(lost.refundId).toBeNull();
    expect(await refundQueries.byIds([refundIdForDispute(b.id)])).toEqual([]);
  });

  it('access: customers see their own, partners their channel, another tenant gets not_found', async () => {
    const { result: d } = await open(partner);
    expect((await queries.get(customer, d.id)).id).toBe(d.id);
    expect(await codeOf(queries.get(otherCustomer, d.id))).toBe('not_found');
    expect(await codeOf(queries.get(merchantPortal, d.id))).toBe('not_found');
    expect(await codeOf(disputes.withdraw(otherCustomer, d.id, undefined))).toBe('not_found');
    expect((await queries.list(otherCustomer, {}, 50)).items.map((i) => i.node.id)).not.toContain(d.id);
  });

  it('contact details are sealed in events and read models, opened on the way out, erased after forgetCustomer', async () => {
    const customerId = `cust-pii-${Date.now()}`;
    const contact = { name: 'Zhang Wei', email: 'zhang.wei.pii@example.com', phone: '+86 138 0000 9911' };
    const { result: opened } = await disputes.open(partner, {
      customer: { id: customerId, ...contact },
      transaction: newTx(),
      reason: 'goods never arrived',
      claimedAmount: 8000,
    });
    expect(opened.customer).toMatchObject(contact);
    const { result: decided } = await disputes.decide(senior, opened.id, {
      outcome: 'won',
      rationale: 'no proof',
    });
    const refundId = decided.refundId!;
    const streams = [opened.id, refundId, opened.ticketId];
    // Nowhere in clear: not in the events of the dispute, its award refund or its ticket, nor the read models.
    const clearIn = async (sql: string, params: unknown[]) =>
      ((await ds.query(sql, params)) as Array<{ t: string }>).map((r) => r.t).join('\n');
    const stored = async () =>
      [
        await clearIn(`SELECT data::text AS t FROM es_events WHERE stream_id = ANY($1)`, [streams]),
        await clearIn(`SELECT customer::text AS t FROM dispute_view WHERE id = $1`, [opened.id]),
        await clearIn(`SELECT customer::text AS t FROM refund_view WHERE id = $1`, [refundId]),
      ].join('\n');
    const before = await stored();
    expect(before).toContain(opened.id);
    for (const v of Object.values(contact)) expect(before).not.toContain(v);
    expect(before).not.toContain('Zhang');
    // Opened for those who may see the case (REST/GraphQL read these queries).
    expect((await queries.get(agent, opened.id)).customer).toMatchObject(contact);
    expect((await refundQueries.get(agent, refundId)).customer).toMatchObject(contact);
    expect((await queries.list(agent, { customerId }, 10)).items[0].node.customer).toMatchObject(contact);
    // The partner payloads (webhooks / feed) carry the customer by id only, even from the opened event.
    const ticketRef = { id: opened.ticketId, number: 'T-1', channel: 'app', externalRef: null };
    const events = (await ds.query(
      `SELECT event_id AS "eventId", stream_id AS "streamId", event_type AS type, data, created_at AS "recordedAt"
         FROM es_events WHERE stream_id = ANY($1)`,
      [[opened.id, refundId]],
    )) as Parameters<typeof disputeEventSource.toPublic>[0][];
    const revealed = await vault.reveal(events);
    const payloads = JSON.stringify(
      revealed.map((e) => [
        disputeEventSource.toPublic(e, ticketRef),
        refundEventSource.toPublic(e, ticketRef),
      ]),
    );
    expect(payloads).toContain(customerId);
    for (const v of Object.values(contact)) expect(payloads).not.toContain(v);

    await vault.forgetNow(customerId, undefined);
    const erased = { id: customerId, name: '[erased]', email: '[erased]', phone: '[erased]' };
    expect((await queries.get(agent, opened.id)).customer).toEqual(erased);
    expect((await refundQueries.get(agent, refundId)).customer).toEqual(erased);
    // A rebuilt read model is still erased (the events are sealed, the key is gone).
    await rebuildProjections(ds, store, [new DisputeViewProjection(), new RefundViewProjection()]);
    expect((await queries.get(agent, opened.id)).customer).toEqual(erased);
    expect((await refundQueries.byIds([refundId]))[0].customer).toEqual(erased);
  });

  it('the dispute and refund read models rebuild from the log to the same rows', async () => {
    const snapshot = async () =>
      ds.query(
        `SELECT (SELECT json_agg(d ORDER BY id) FROM dispute_view d) AS d, (SELECT json_agg(r ORDER BY id) FROM refund_view r) AS r`,
      );
    const before = await snapshot();
    await rebuildProjections(ds, store, [new DisputeViewProjection(), new RefundViewProjection()]);
    expect(await snapshot()).toEqual(before);
  });
});
