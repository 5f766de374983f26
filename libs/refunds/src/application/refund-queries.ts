import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, PiiVault, Principal, Tx, hasScope } from '@kefu/platform';
import { Page, decodePageCursor, encodePageCursor } from '@kefu/tickets';
import { RefundStatus } from '../domain/refund.types';
import { RefundRow, RefundView, toRefundView } from './refund-view';

export interface RefundFilter {
  status?: RefundStatus[];
  customerId?: string;
  transactionId?: string;
}

const COLUMNS = `r.id, r.ticket_id, r.dispute_id, r.status, r.customer, r."transaction", r.amount, r.currency, r.reason,
  r.requires_senior_approval, r.requested_by, r.approved_by, r.expected_by, r.payout_reference, r.failure_reason,
  r.overdue, r.follow_up_ticket_id, r.created_at, r.updated_at, r.version`;

/**
 * Who sees a refund (SQL on refund_view r joined to its ticket t): customers their own, partners the
 * refunds of tickets their channel brought in, the payments core (scope payments_core) every refund,
 * staff all.
 */
export function refundScope(p: Principal, start: number): [string, unknown[]] {
  if (p.kind === 'partner') {
    if (hasScope(p, 'payments_core')) return ['true', []];
    return [`t.opened_by_kind = 'partner' AND t.opened_by_id = $${start}`, [p.partner]];
  }
  if (p.role === 'customer') return [`r.customer_id = $${start}`, [p.customerId ?? '\u0000none']];
  return ['true', []];
}

const FROM = `refund_view r JOIN ticket_view t ON t.id = r.ticket_id`;

@Injectable()
export class RefundQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly vault: PiiVault,
  ) {}

  /**
   * The customer's contact details (and a customer actor's name) stay sealed in the read model (and
   * in the `In` reads commands use); the public reads open them, `[erased]` once the customer is forgotten.
   */
  async reveal(views: RefundView[]): Promise<RefundView[]> {
    return this.vault.reveal(views);
  }

  async byIdIn(tx: Tx, id: string): Promise<RefundView | undefined> {
    const row = await tx.one<RefundRow>(`SELECT ${COLUMNS} FROM refund_view r WHERE r.id = $1`, [id]);
    return row ? toRefundView(row) : undefined;
  }

  /** Inside a command's transaction: the refund if this caller may see it, else not_found. */
  async visibleIn(tx: Tx, principal: Principal, id: string): Promise<RefundView> {
    const [scope, params] = refundScope(principal, 2);
    const row = await tx.one<RefundRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1 AND ${scope}`, [
      id,
      ...params,
    ]);
    if (!row) throw DomainError.notFound('Refund', id);
    return toRefundView(row);
  }

  async get(principal: Principal, id: string): Promise<RefundView> {
    const [scope, params] = refundScope(principal, 2);
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1 AND ${scope}`, [
      id,
      ...params,
    ])) as RefundRow[];
    if (!rows[0]) throw DomainError.notFound('Refund', id);
    return (await this.reveal([toRefundView(rows[0])]))[0];
  }

  /** Refunds of these tickets, oldest first (Ticket.refunds); the caller already saw the tickets. */
  async byTickets(ticketIds: readonly string[]): Promise<Map<string, RefundView[]>> {
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM refund_view r WHERE r.ticket_id = ANY($1) ORDER BY r.created_at, r.id`,
      [ticketIds],
    )) as RefundRow[];
    const out = new Map<string, RefundView[]>();
    for (const r of await this.reveal(rows.map(toRefundView)))
      out.set(r.ticketId, [...(out.get(r.ticketId) ?? []), r]);
    return out;
  }

  async byIds(ids: readonly string[]): Promise<RefundView[]> {
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM refund_view r WHERE r.id = ANY($1)`, [
      ids,
    ])) as RefundRow[];
    return this.reveal(rows.map(toRefundView));
  }

  /** Newest first. */
  async list(
    principal: Principal,
    filter: RefundFilter,
    first: number,
    after?: string,
  ): Promise<Page<RefundView>> {
    const [scope, params] = refundScope(principal, 1);
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
      const c = decodePageCursor(after, 'refund');
      params.push(c.value, c.id);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(first + 1);
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    )) as RefundRow[];
    const nodes = await this.reveal(rows.slice(0, first).map(toRefundView));
    return {
      items: rows.slice(0, first).map((r, i) => ({
        cursor: encodePageCursor('refund', r.created_at.toISOString(), r.id),
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
