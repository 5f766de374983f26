// The load of the fault suite: clients that each open a ticket, reply to it and solve it, over and
// over, retrying through outages the way a careful client does (same Idempotency-Key on REST). Only
// answers that were successes are recorded: those are what the checks demand to find afterwards.

export interface LoadTarget {
  apiUrl: string;
  partnerKey: string;
  agentBearer: string;
}

export interface Success {
  op: string;
  /** The load's own key of the case (subject / body markers carry it). */
  key: string;
  ticketId: string;
  /** When the success was answered (ms since epoch). */
  at: number;
  /** Refund requests: the refund's id and its transaction. */
  refundId?: string;
  transactionId?: string;
}

/**
 * One step of a case; the step returns false when it gave up without a success. (Refund requests run
 * as clients of their own, see refundClient: they contend for a few transactions' caps.)
 */
export interface LoadStep {
  op: string;
  run(target: LoadTarget, key: string, ticketId: string): Promise<boolean>;
}

const RETRY_FOR_MS = 45_000;

/** Retries through refused connections, 5xx and in-flight idempotent duplicates. */
async function withRetry(call: () => Promise<Response>): Promise<Response | undefined> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      const r = await call();
      if (r.status < 500 && r.status !== 409) return r;
      await r.text();
    } catch {
      // connection refused or reset: the API is down; try again
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((res) => setTimeout(res, 150));
  }
}

const rest = (t: LoadTarget, path: string, body: unknown, idempotencyKey: string) =>
  withRetry(() =>
    fetch(`${t.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Api-Key': t.partnerKey,
        'Idempotency-Key': idempotencyKey,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    }),
  );

export async function openTicket(t: LoadTarget, key: string): Promise<string | undefined> {
  const r = await rest(
    t,
    '/v1/tickets',
    {
      subject: `load ${key}`,
      description: 'fault suite',
      category: 'payment_failed',
      customer: { id: `c-${key}` },
    },
    `open-${key}`,
  );
  if (r?.status !== 201) return undefined;
  return ((await r.json()) as { id: string }).id;
}

export const STEPS: LoadStep[] = [
  {
    op: 'reply',
    run: async (t, key, ticketId) =>
      (await rest(t, `/v1/tickets/${ticketId}/messages`, { body: `reply ${key}` }, `reply-${key}`))
        ?.status === 201,
  },
  {
    op: 'solve',
    run: async (t, _key, ticketId) => {
      // GraphQL has no Idempotency-Key: a retry after a lost answer may find it solved already
      // (INVALID_TRANSITION), which is not counted as a success.
      const r = await withRetry(() =>
        fetch(`${t.apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: t.agentBearer },
          body: JSON.stringify({
            query: 'mutation($i: SetTicketStatusInput!) { setTicketStatus(input: $i) { id status } }',
            variables: { i: { ticketId, status: 'SOLVED' } },
          }),
          signal: AbortSignal.timeout(10_000),
        }),
      );
      if (!r || r.status !== 200) return false;
      const body = (await r.json()) as { data?: { setTicketStatus?: { status: string } } };
      return body.data?.setTicketStatus?.status === 'SOLVED';
    },
  },
];

/** The transactions the refund clients compete for: each request asks 10-25% of the amount. */
export interface RefundTransaction {
  id: string;
  amount: number;
  currency: string;
  occurredAt: string;
  customerId: string;
}

export function refundTransactions(count: number): RefundTransaction[] {
  const occurredAt = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  return Array.from({ length: count }, (_, i) => ({
    id: `fault-tx-${i}`,
    amount: 10_000,
    currency: 'CNY',
    occurredAt,
    customerId: `rc-${i}`,
  }));
}

/**
 * A refund request (the extension point's refunds): POST /v1/refunds with its own Idempotency-Key,
 * the key in the reason so the log shows which request produced which refund. Returns the 201's
 * refund, 'capped' for the cap's 422, undefined when it gave up.
 */
export async function requestRefund(
  t: LoadTarget,
  key: string,
  tx: RefundTransaction,
  amount: number,
): Promise<{ id: string; ticketId: string } | 'capped' | undefined> {
  const r = await rest(
    t,
    '/v1/refunds',
    {
      customer: { id: tx.customerId },
      transaction: { id: tx.id, amount: tx.amount, currency: tx.currency, occurredAt: tx.occurredAt },
      amount,
      reason: `refund ${key}`,
    },
    `refund-${key}`,
  );
  if (r?.status === 201) return (await r.json()) as { id: string; ticketId: string };
  const body = r ? ((await r.json().catch(() => ({}))) as { code?: string }) : {};
  return body.code === 'refund_exceeds_transaction' ? 'capped' : undefined;
}

export class Load {
  readonly successes: Success[] = [];
  readonly attempted: string[] = [];
  private running = true;
  private readonly loops: Array<Promise<void>> = [];

  constructor(
    private readonly target: LoadTarget,
    clients: number,
    private readonly refunds: { clients: number; transactions: RefundTransaction[] } = {
      clients: 0,
      transactions: [],
    },
  ) {
    for (let c = 0; c < clients; c++) this.loops.push(this.client(c));
    for (let c = 0; c < refunds.clients; c++) this.loops.push(this.refundClient(c));
  }

  /**
   * Requests 10-25% of a transaction's amount, round the transactions, until each is capped: about
   * six grants a transaction reach its cap, so the cap is contended even when a loaded machine serves
   * only a few dozen requests in the whole run (at 5-15% a request, 26 grants once fell short of it).
   */
  private async refundClient(c: number): Promise<void> {
    const txs = this.refunds.transactions;
    for (let n = 0; this.running; n++) {
      const key = `r${c}-${n}`;
      const tx = txs[n % txs.length]; // all clients on the same one at once: the cap is contended
      this.attempted.push(key);
      const amount = (tx.amount * (10 + ((c * 7 + n * 13) % 16))) / 100;
      const r = await requestRefund(this.target, key, tx, amount);
      const at = Date.now();
      if (r === 'capped')
        this.successes.push({ op: 'refund-capped', key, ticketId: '', at, transactionId: tx.id });
      else if (r)
        this.successes.push({
          op: 'refund',
          key,
          ticketId: r.ticketId,
          at,
          refundId: r.id,
          transactionId: tx.id,
        });
      await new Promise((res) => setTimeout(res, 400));
    }
  }

  private async client(c: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const key = `${c}-${n}`;
      this.attempted.push(key);
      const ticketId = await openTicket(this.target, key);
      if (!ticketId) continue;
      this.successes.push({ op: 'open', key, ticketId, at: Date.now() });
      for (const step of STEPS) {
        if (!(await step.run(this.target, key, ticketId))) break;
        this.successes.push({ op: step.op, key, ticketId, at: Date.now() });
      }
    }
  }

  of(op: string): Success[] {
    return this.successes.filter((s) => s.op === op);
  }

  /** Stops starting new cases and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
