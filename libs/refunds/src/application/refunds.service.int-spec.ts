import { DataSource } from 'typeorm';
import {
  CommandRunner,
  DomainError,
  EventStore,
  Principal,
  PiiVault,
  rebuildProjections,
} from '@kefu/platform';
import { TicketQueries, TicketViewProjection, TicketsService } from '@kefu/tickets';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { RefundViewProjection } from '../projections/refund-view.projection';
import { RefundQueries } from './refund-queries';
import { RefundsService } from './refunds.service';

const partner: Principal = {
  kind: 'partner',
  apiKeyId: 'k1',
  channel: 'app',
  name: 'wallet-app',
  partner: 'wallet-app',
};
const otherPartner: Principal = {
  kind: 'partner',
  apiKeyId: 'k2',
  channel: 'chat',
  name: 'chat',
  partner: 'chat',
};
const paymentsCore: Principal = {
  kind: 'partner',
  apiKeyId: 'k3',
  channel: 'partner',
  name: 'payments',
  partner: 'payments',
  scopes: ['payments_core'],
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent' };
const senior: Principal = { kind: 'user', sub: 'senior-1', role: 'senior_agent' };
const senior2: Principal = { kind: 'user', sub: 'senior-2', role: 'senior_agent' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };
const otherCustomer: Principal = { kind: 'user', sub: 'u-2', role: 'customer', customerId: 'cust-2' };

const recently = () => new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString();
let txSeq = 0;
const newTx = (amount: number) => ({
  id: `tx-${Date.now()}-${++txSeq}`,
  amount,
  currency: 'CNY',
  occurredAt: recently(),
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

describe('RefundsService (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let refunds: RefundsService;
  let queries: RefundQueries;
  let vault: PiiVault;
  const store = new EventStore();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    const commands = new CommandRunner(ds, store);
    vault = new PiiVault(testConfig(db), ds, store);
    const ticketQueries = new TicketQueries(ds, store, vault);
    const tickets = new TicketsService(commands, new TicketViewProjection(), ticketQueries, vault);
    queries = new RefundQueries(ds, vault);
    refunds = new RefundsService(
      commands,
      new RefundViewProjection(),
      queries,
      tickets,
      ticketQueries,
      testConfig(db, { REFUND_PROCESSING_SECONDS: '1' }),
      vault,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const request = (p: Principal, transaction: ReturnType<typeof newTx>, amount: number, extra = {}) =>
    refunds.request(p, {
      customer: { id: 'cust-1' },
      transaction,
      amount,
      reason: 'charged twice',
      ...extra,
    });

  /** The invariant, from the event log only: per transaction, refunds not rejected/canceled/failed. */
  async function committedTotalsFromLog(): Promise<Map<string, { amount: number; total: number }>> {
    const rows = (await ds.query(
      `SELECT r.data->'transaction'->>'id' AS tx, (r.data->'transaction'->>'amount')::bigint AS tx_amount,
              (r.data->>'amount')::bigint AS amount,
              EXISTS (SELECT 1 FROM es_events x WHERE x.stream_id = r.stream_id
                       AND x.event_type IN ('RefundRejected', 'RefundCanceled', 'RefundFailed')) AS released
         FROM es_events r WHERE r.event_type = 'RefundRequested'`,
    )) as Array<{ tx: string; tx_amount: string; amount: string; released: boolean }>;
    const out = new Map<string, { amount: number; total: number }>();
    for (const r of rows) {
      const t = out.get(r.tx) ?? { amount: Number(r.tx_amount), total: 0 };
      if (!r.released) t.total += Number(r.amount);
      out.set(r.tx, t);
    }
    return out;
  }

  it('10 concurrent requests of 3,000 against 10,000: exactly 3 accepted, 7 refused', async () => {
    const tx = newTx(10_000);
    const codes = await Promise.all(Array.from({ length: 10 }, () => codeOf(request(partner, tx, 3000))));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(3);
    expect(codes.filter((c) => c === 'refund_exceeds_transaction')).toHaveLength(7);
    expect((await committedTotalsFromLog()).get(tx.id)).toEqual({ amount: 10_000, total: 9000 });
  });

  it('holds under several rounds of random amounts, with releases in between (checked against the log)', async () => {
    const tx = newTx(5000 + Math.floor(Math.random() * 15_000));
    for (let round = 0; round < 4; round++) {
      const amounts = Array.from({ length: 8 }, () => 500 + Math.floor(Math.random() * 4000));
      const results = await Promise.all(amounts.map((a) => request(partner, tx, a).catch((e: unknown) => e)));
      for (const r of results) {
        if (r instanceof Error) expect((r as DomainError).code).toBe('refund_exceeds_transaction');
      }
      // Release some of what was accepted: rejected and canceled amounts count no more.
      const accepted = results.filter((r): r is Awaited<ReturnType<typeof request>> => !(r instanceof Error));
      await Promise.all(
        accepted
          .slice(0, 2)
          .map((r, i) =>
            i === 0
              ? refunds.reject(agent, r.result.id, 'no proof')
              : refunds.cancel(partner, r.result.id, 'dup'),
          ),
      );
      const t = (await committedTotalsFromLog()).get(tx.id)!;
      expect(t.total).toBeLessThanOrEqual(tx.amount);
    }
    // The ledger stream agrees with the refunds' own streams.
    const ledger = (await ds.query(
      `SELECT (data->>'reservedTotal')::bigint AS total FROM es_events WHERE stream_id = $1 ORDER BY stream_position DESC LIMIT 1`,
      [`refund-ledger:${tx.id}`],
    )) as Array<{ total: string }>;
    expect(Number(ledger[0].total)).toBe((await committedTotalsFromLog()).get(tx.id)!.total);
  });

  it('refuses a transaction older than the window, and a transaction whose amount changed', async () => {
    const old = { ...newTx(1000), occurredAt: '2020-01-01T00:00:00Z' };
    expect(await codeOf(request(partner, old, 100))).toBe('refund_window_expired');
    const tx = newTx(1000);
    await request(partner, tx, 100);
    expect(await codeOf(request(partner, { ...tx, amount: 99_999 }, 100))).toBe('validation_failed');
    // Nothing was written for the refused ones: no ticket, no refund.
    expect((await queries.list(agent, { transactionId: old.id }, 10)).items).toHaveLength(0);
  });

  it('links to a given ticket (its customer by default; another customer is refused)', async () => {
    const { result: first } = await request(partner, newTx(1000), 100);
    const { result: linked } = await refunds.request(partner, {
      ticketId: first.ticketId,
      transaction: newTx(500),
      amount: 50,
      reason: 'second item',
    });
    expect(linked).toMatchObject({ ticketId: first.ticketId, customer: { id: 'cust-1' } });
    const other = refunds.request(partner, {
      ticketId: first.ticketId,
      customer: { id: 'cust-2' },
      transaction: newTx(500),
      amount: 50,
      reason: 'x',
    });
    expect(await codeOf(other)).toBe('validation_failed');
    expect(
      await codeOf(
        refunds.request(otherPartner, {
          ticketId: first.ticketId,
          transaction: newTx(500),
          amount: 5,
          reason: 'x',
        }),
      ),
    ).toBe('not_found');
  });

  it('contact details: sealed in events and refund_view, opened on reads, carried over to a linked refund, erased after forgetCustomer', async () => {
    const customerId = `cust-pii-${Date.now()}`;
    const contact = { name: 'Chen Jing', email: 'chen.jing.pii@example.com', phone: '+86 139 0000 7788' };
    // Requested by the customer (named in the token: requestedBy is personal data too).
    const self: Principal = { kind: 'user', sub: 'u-pii', role: 'customer', customerId, name: contact.name };
    const { result: first } = await request(self, newTx(1000), 100, {
      customer: { id: customerId, ...contact },
    });
    expect(first.customer).toEqual({ id: customerId, ...contact });
    // A refund on the same ticket takes the ticket's (sealed) customer: opened, validated, sealed again.
    const { result: linked } = await refunds.request(agent, {
      ticketId: first.ticketId,
      transaction: newTx(500),
      amount: 50,
      reason: 'second item',
    });
    expect(linked.customer).toEqual({ id: customerId, ...contact });
    const stored = JSON.stringify([
      await ds.query(`SELECT data FROM es_events WHERE stream_id = ANY($1)`, [
        [first.id, linked.id, first.ticketId],
      ]),
      await ds.query(`SELECT row_to_json(r) FROM refund_view r WHERE customer_id = $1`, [customerId]),
      await ds.query(`SELECT response FROM idempotency_keys`),
    ]);
    expect(stored).toContain(customerId);
    for (const v of [...Object.values(contact), 'Chen']) expect(stored).not.toContain(v);
    expect((await queries.get(agent, first.id)).customer).toEqual({ id: customerId, ...contact });
    expect((await queries.get(self, first.id)).requestedBy).toEqual({
      kind: 'customer',
      id: customerId,
      name: contact.name,
    });

    await vault.forgetNow(customerId, undefined);
    const erased = { id: customerId, name: '[erased]', email: '[erased]', phone: '[erased]' };
    expect((await queries.get(agent, first.id)).customer).toEqual(erased);
    expect((await queries.get(agent, first.id)).requestedBy.name).toBe('[erased]');
    expect((await queries.list(agent, { customerId }, 10)).items.map((i) => i.node.customer)).toEqual([
      erased,
      erased,
    ]);
    // After the erasure a refund on the ticket still works; the erased fields are not carried over.
    const { result: after } = await refunds.request(agent, {
      ticketId: first.ticketId,
      transaction: newTx(500),
      amount: 20,
      reason: 'third item',
    });
    expect(after.customer).toEqual({ id: customerId });
    await rebuildProjections(ds, store, [new RefundViewProjection()]);
    expect((await queries.byIds([first.id, linked.id])).map((r) => r.customer)).toEqual([erased, erased]);
  });

  it('four eyes: above the threshold a senior approves, never the one who requested', async () => {
    const { result: r } = await request(senior, newTx(900_000), 600_000);
    expect(r.requiresSeniorApproval).toBe(true);
    expect(await codeOf(refunds.approve(agent, r.id))).toBe('forbidden');
    expect(await codeOf(refunds.approve(senior, r.id))).toBe('forbidden');
    const { result } = await refunds.approve(senior2, r.id);
    expect(result).toMatchObject({ status: 'processing', approvedBy: { kind: 'agent', id: 'senior-2' } });
    expect(result.expectedBy).not.toBeNull();
    // Below the threshold any agent approves, even the requester.
    const { result: small } = await request(agent, newTx(1000), 500);
    expect((await refunds.approve(agent, small.id)).result.status).toBe('processing');
  });

  it('the payout callback twice settles once; a different report is refused; a failure releases the cap', async () => {
    const tx = newTx(10_000);
    const { result: r } = await request(partner, tx, 10_000);
    await refunds.approve(agent, r.id);
    const report = { status: 'succeeded' as const, reference: 'po-1' };
    const [a, b] = await Promise.all([
      refunds.recordPayoutResult(paymentsCore, r.id, report),
      refunds.recordPayoutResult(paymentsCore, r.id, report),
    ]);
    expect([a.result.status, b.result.status]).toEqual(['succeeded', 'succeeded']);
    const settled = (await ds.query(
      `SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1 AND event_type = 'RefundSucceeded'`,
      [r.id],
    )) as Array<{ n: number }>;
    expect(settled[0].n).toBe(1);
    expect(
      await codeOf(refunds.recordPayoutResult(paymentsCore, r.id, { status: 'failed', reference: 'po-1' })),
    ).toBe('invalid_transition');

    const tx2 = newTx(10_000);
    const { result: r2 } = await request(partner, tx2, 10_000);
    await refunds.approve(agent, r2.id);
    await refunds.recordPayoutResult(partner, r2.id, {
      status: 'failed',
      reference: 'po-2',
      failureReason: 'card closed',
    });
    expect((await request(partner, tx2, 10_000)).result.status).toBe('requested');
  });

  it('access: customers their own, partners their channel, the payments core every refund', async () => {
    const { result: r } = await request(partner, newTx(1000), 100);
    expect((await queries.get(customer, r.id)).id).toBe(r.id);
    expect(await codeOf(queries.get(otherCustomer, r.id))).toBe('not_found');
    expect(await codeOf(queries.get(otherPartner, r.id))).toBe('not_found');
    expect((await queries.get(paymentsCore, r.id)).id).toBe(r.id);
    await refunds.approve(agent, r.id);
    expect(
      await codeOf(refunds.recordPayoutResult(otherPartner, r.id, { status: 'succeeded', reference: 'x' })),
    ).toBe('not_found');
    expect(
      await codeOf(refunds.recordPayoutResult(agent, r.id, { status: 'succeeded', reference: 'x' })),
    ).toBe('forbidden');
    expect(await codeOf(refunds.cancel(otherCustomer, r.id, undefined))).toBe('not_found');
    // A customer requests for their own account only, on a ticket of their own.
    expect(await codeOf(request(customer, newTx(100), 50, { customer: { id: 'cust-2' } }))).toBe('forbidden');
  });

  it('a refund not settled by expectedBy opens an escalated refund_not_received follow-up, once', async () => {
    const { result: r } = await request(partner, newTx(1000), 100);
    await refunds.approve(agent, r.id);
    await new Promise((res) => setTimeout(res, 1100)); // REFUND_PROCESSING_SECONDS=1
    expect(await refunds.handleOverdue(r.id, { handler: 'test', messageId: `m-${r.id}` })).toBe(true);
    expect(await refunds.handleOverdue(r.id, { handler: 'test', messageId: `m2-${r.id}` })).toBe(false);
    const after = await queries.get(agent, r.id);
    expect(after.followUpTicketId).not.toBeNull();
    const t = (await ds.query(`SELECT category, tier, customer_id FROM ticket_view WHERE id = $1`, [
      after.followUpTicketId,
    ])) as Array<{ category: string; tier: string; customer_id: string }>;
    expect(t[0]).toEqual({ category: 'refund_not_received', tier: 'L2', customer_id: 'cust-1' });
    // Settled in time: nothing to follow up.
    const { result: r2 } = await request(partner, newTx(1000), 100);
    await refunds.approve(agent, r2.id);
    await refunds.recordPayoutResult(partner, r2.id, { status: 'succeeded', reference: 'ok' });
    await new Promise((res) => setTimeout(res, 1100));
    expect(await refunds.handleOverdue(r2.id, { handler: 'test', messageId: `m-${r2.id}` })).toBe(false);
  });
});
