import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, PiiVault, Principal, Tx } from '@kefu/platform';
import { Page, decodePageCursor, encodePageCursor } from '@kefu/tickets';
import { DisputeStatus } from '../domain/dispute.types';
import { DisputeRow, DisputeView, toDisputeView } from './dispute-view';

export interface DisputeFilter {
  status?: DisputeStatus[];
  customerId?: string;
  transactionId?: string;
}

const COLUMNS = `r.id, r.ticket_id, r.status, r.customer, r."transaction", r.reason, r.claimed_amount,
  r.awarded_amount, r.merchant_response_due_at, r.customer_evidence_due_at, r.merchant_responded, r.evidence,
  r.outcome, r.rationale, r.decided_by, r.refund_id, r.created_at, r.updated_at, r.version`;

/**
 * Who sees a dispute (SQL on dispute_view r joined to its ticket t): customers their own, partners
 * the disputes of tickets their channel brought in, staff all.
 */
export function disputeScope(p: Principal, start: number): [string, unknown[]] {
  if (p.kind === 'partner') {
    return [`t.opened_by_kind = 'partner' AND t.opened_by_id = $${start}`, [p.partner]];
  }
  if (p.role === 'customer') return [`r.customer_id = $${start}`, [p.customerId ?? '\u0000none']];
  return ['true', []];
}

const FROM = `dispute_view r JOIN ticket_view t ON t.id = r.ticket_id`;

@Injectable()
export class DisputeQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly vault: PiiVault,
  ) {}

  /**
   * The customer's contact details (and a customer actor's name) stay sealed in the read model (and
   * in the `In` reads commands use); the public reads open them, `[erased]` once the customer is forgotten.
   */
  async reveal(views: DisputeView[]): Promise<DisputeView[]> {
    return this.vault.reveal(views);
  }

  async byIdIn(tx: Tx, id: string): Promise<DisputeView | undefined> {
    const row = await tx.one<DisputeRow>(`SELECT ${COLUMNS} FROM dispute_view r WHERE r.id = $1`, [id]);
    return row ? toDisputeView(row) : undefined;
  }

  /** Inside a command's transaction: the dispute if this caller may see it, else not_found. */
  async visibleIn(tx: Tx, principal: Principal, id: string): Promise<DisputeView> {
    const [scope, params] = disputeScope(principal, 2);
    const row = await tx.one<DisputeRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1 AND ${scope}`, [
      id,
      ...params,
    ]);
    if (!row) throw DomainError.notFound('Dispute', id);
    return toDisputeView(row);
  }

  async get(principal: Principal, id: string): Promise<DisputeView> {
    const [scope, params] = disputeScope(principal, 2);
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1 AND ${scope}`, [
      id,
      ...params,
    ])) as DisputeRow[];
    if (!rows[0]) throw DomainError.notFound('Dispute', id);
    return (await this.reveal([toDisputeView(rows[0])]))[0];
  }

  /** Disputes of these tickets, oldest first (Ticket.dispute shows the latest). */
  async byTickets(ticketIds: readonly string[]): Promise<Map<string, DisputeView[]>> {
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM dispute_view r WHERE r.ticket_id = ANY($1) ORDER BY r.created_at, r.id`,
      [ticketIds],
    )) as DisputeRow[];
    const out = new Map<string, DisputeView[]>();
    for (const r of await this.reveal(rows.map(toDisputeView)))
      out.set(r.ticketId, [...(out.get(r.ticketId) ?? []), r]);
    return out;
  }

  async byIds(ids: readonly string[]): Promise<DisputeView[]> {
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM dispute_view r WHERE r.id = ANY($1)`, [
      ids,
    ])) as DisputeRow[];
    return this.reveal(rows.map(toDisputeView));
  }

  /** Newest first. */
  async list(
    principal: Principal,
    filter: DisputeFilter,
    first: number,
    after?: string,
  ): Promise<Page<DisputeView>> {
    const [scope, params] = disputeScope(principal, 1);
    const where = [scope];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (filter.status?.length) add((n) => `r.status = ANY($${n})`, filter.status);
    if (filter.customerId) add((n) => `r.customer_id = $${n}`, filter.customerId);
    if (filter.transactionId) add((n) => `r.transaction_id = $${n}`, filter.transactionId);
    const countWhere = [...where];
    const countParams = [...params];
    if (after) {
      const c = decodePageCursor(after, 'dispute');
      params.push(c.value, c.id);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(first + 1);
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    )) as DisputeRow[];
    const nodes = await this.reveal(rows.slice(0, first).map(toDisputeView));
    return {
      items: rows.slice(0, first).map((r, i) => ({
        cursor: encodePageCursor('dispute', r.created_at.toISOString(), r.id),
        node: nodes[i],
      })),
      hasNextPage: rows.length > first,
      totalCount: async () =>
        Number(
          (
            (await this.ds.query(
              `SELECT count(*) AS c FROM ${FROM} WHERE ${countWhere.join(' AND ')}`,
              countParams,
            )) as Array<{
              c: string;
            }>
          )[0].c,
        ),
    };
  }
}
