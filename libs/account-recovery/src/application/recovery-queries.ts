import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, Principal, Tx } from '@kefu/platform';
import { actorFromPrincipal } from '@kefu/tickets';
import { canSeeCase } from '../domain/recovery.decider';
import { RecoveryKind, RecoveryStatus } from '../domain/recovery.types';
import { RECOVERY_COLUMNS, RecoveryCaseRow, RecoveryCaseView, toRecoveryCaseView } from './recovery-view';

export interface RecoveryCaseFilter {
  status?: RecoveryStatus[];
  kind?: RecoveryKind[];
  customerId?: string;
}

export interface RecoveryPage {
  items: Array<{ cursor: string; node: RecoveryCaseView }>;
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
}

const encode = (v: RecoveryCaseView) => Buffer.from(`${v.createdAt}|${v.id}`).toString('base64url');
function decode(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)))
    throw DomainError.validation([{ field: 'after', message: 'is not a cursor of this list' }]);
  return { createdAt, id };
}

/** Reads of recovery cases with the access rule of the decider: customers own, partners theirs. */
@Injectable()
export class RecoveryQueries {
  constructor(private readonly dataSource: DataSource) {}

  async byIdIn(tx: Tx, id: string): Promise<RecoveryCaseView | undefined> {
    const row = await tx.one<RecoveryCaseRow>(
      `SELECT ${RECOVERY_COLUMNS} FROM recovery_case_view WHERE id = $1`,
      [id],
    );
    return row && toRecoveryCaseView(row);
  }

  /** The case, or not_found when it does not exist or is not the caller's. */
  async get(principal: Principal, id: string): Promise<RecoveryCaseView> {
    const rows = (await this.dataSource.query(
      `SELECT ${RECOVERY_COLUMNS} FROM recovery_case_view WHERE id = $1`,
      [id],
    )) as RecoveryCaseRow[];
    const view = rows[0] && toRecoveryCaseView(rows[0]);
    if (!view || !this.visible(principal, view)) throw DomainError.notFound('Recovery case', id);
    return view;
  }

  async byTicket(principal: Principal, ticketId: string): Promise<RecoveryCaseView | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${RECOVERY_COLUMNS} FROM recovery_case_view WHERE ticket_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [ticketId],
    )) as RecoveryCaseRow[];
    const view = rows[0] && toRecoveryCaseView(rows[0]);
    return view && this.visible(principal, view) ? view : undefined;
  }

  async list(
    principal: Principal,
    filter: RecoveryCaseFilter,
    first: number,
    after?: string,
  ): Promise<RecoveryPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const actor = actorFromPrincipal(principal);
    if (actor.role === 'customer') where.push(`customer_id = ${p(actor.customerId ?? '\u0000')}`);
    if (actor.role === 'partner') where.push(`opened_by_kind = 'partner' AND opened_by_id = ${p(actor.id)}`);
    if (filter.status?.length) where.push(`status = ANY(${p(filter.status)}::text[])`);
    if (filter.kind?.length) where.push(`kind = ANY(${p(filter.kind)}::text[])`);
    if (filter.customerId) where.push(`customer_id = ${p(filter.customerId)}`);
    const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const countParams = [...params];
    const paged = [...where];
    if (after) {
      const c = decode(after);
      paged.push(`(created_at, id) < (${p(c.createdAt)}::timestamptz, ${p(c.id)})`);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${RECOVERY_COLUMNS} FROM recovery_case_view ${paged.length ? `WHERE ${paged.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ${p(first + 1)}`,
      params,
    )) as RecoveryCaseRow[];
    const views = rows.slice(0, first).map(toRecoveryCaseView);
    return {
      items: views.map((node) => ({ cursor: encode(node), node })),
      hasNextPage: rows.length > first,
      totalCount: async () =>
        Number(
          (
            (await this.dataSource.query(
              `SELECT count(*) AS n FROM recovery_case_view ${base}`,
              countParams,
            )) as Array<{
              n: string;
            }>
          )[0].n,
        ),
    };
  }

  visible(principal: Principal, view: RecoveryCaseView): boolean {
    return canSeeCase(actorFromPrincipal(principal), {
      customerId: view.customerId,
      openedBy: view.openedBy.id ? { kind: view.openedBy.kind, id: view.openedBy.id } : undefined,
    });
  }
}
