import { DataSource } from 'typeorm';
import { DomainError, IdempotencyRequest, PiiVault, Principal, TransactionOptions, Tx } from '@kefu/platform';
import { Page } from './ticket-queries';
import { decodePageCursor, encodePageCursor } from './page-cursor';

/** The columns every ticket-linked read model row has (the helper pages and groups on them). */
export interface TicketLinkedRow {
  id: string;
  ticket_id: string;
  created_at: Date;
}

/** One optional filter: a non-empty array matches `= ANY`, any other truthy value `=`. */
export interface TicketLinkedFilterColumn<F> {
  key: keyof F;
  column: string;
}

export interface TicketLinkedQueriesConfig<Row extends TicketLinkedRow, View, F> {
  /** Read model table, aliased `r` and joined to its ticket as `t`. */
  table: string;
  /** SELECT list on `r`. */
  columns: string;
  /** Entity name for not_found. */
  entity: string;
  /** Page cursor kind of `list`. */
  cursorKind: string;
  toView: (row: Row) => View;
  /** Who sees a row, as SQL with parameters from `$start` on. */
  scope: (p: Principal, start: number) => [string, unknown[]];
  filters: ReadonlyArray<TicketLinkedFilterColumn<F>>;
}

/**
 * Who sees an object linked to a ticket (SQL on its view r joined to the ticket t): customers their own,
 * partners those of tickets their channel brought in, staff all. `seesAll` widens it (e.g. payments_core).
 */
export function ticketLinkedScope(
  p: Principal,
  start: number,
  seesAll?: (p: Principal) => boolean,
): [string, unknown[]] {
  if (p.kind === 'partner') {
    if (seesAll?.(p)) return ['true', []];
    return [`t.opened_by_kind = 'partner' AND t.opened_by_id = $${start}`, [p.partner]];
  }
  if (p.role === 'customer') return [`r.customer_id = $${start}`, [p.customerId ?? '\u0000none']];
  return ['true', []];
}

/**
 * Reads of a read model whose rows belong to tickets (disputes, refunds): scoped get, batched loads,
 * and a newest-first keyset page. Rows keep customer data sealed; the public reads open it.
 */
export class TicketLinkedQueries<Row extends TicketLinkedRow, View extends { ticketId: string }, F> {
  private readonly from: string;

  constructor(
    protected readonly ds: DataSource,
    protected readonly vault: PiiVault,
    private readonly cfg: TicketLinkedQueriesConfig<Row, View, F>,
  ) {
    this.from = `${cfg.table} r JOIN ticket_view t ON t.id = r.ticket_id`;
  }

  /**
   * The customer's contact details (and a customer actor's name) stay sealed in the read model (and
   * in the `In` reads commands use); the public reads open them, `[erased]` once the customer is forgotten.
   */
  async reveal(views: View[]): Promise<View[]> {
    return this.vault.reveal(views);
  }

  /**
   * The pipeline's options for a command that answers with one of these views: idempotency and the
   * pinned version from the client, the answer opened after commit (the stored response stays sealed).
   */
  answering(opts: { idempotency?: IdempotencyRequest; expectedVersion?: number }): TransactionOptions<View> {
    return {
      idempotency: opts.idempotency,
      expectedVersion: opts.expectedVersion,
      reveal: async (view) => (await this.reveal([view]))[0],
    };
  }

  async byIdIn(tx: Tx, id: string): Promise<View | undefined> {
    const { columns, table, toView } = this.cfg;
    const row = await tx.one<Row>(`SELECT ${columns} FROM ${table} r WHERE r.id = $1`, [id]);
    return row ? toView(row) : undefined;
  }

  /** Inside a command's transaction: the object if this caller may see it, else not_found. */
  async visibleIn(tx: Tx, principal: Principal, id: string): Promise<View> {
    const [scope, params] = this.cfg.scope(principal, 2);
    const row = await tx.one<Row>(
      `SELECT ${this.cfg.columns} FROM ${this.from} WHERE r.id = $1 AND ${scope}`,
      [id, ...params],
    );
    if (!row) throw DomainError.notFound(this.cfg.entity, id);
    return this.cfg.toView(row);
  }

  async get(principal: Principal, id: string): Promise<View> {
    const [scope, params] = this.cfg.scope(principal, 2);
    const rows = (await this.ds.query(
      `SELECT ${this.cfg.columns} FROM ${this.from} WHERE r.id = $1 AND ${scope}`,
      [id, ...params],
    )) as Row[];
    if (!rows[0]) throw DomainError.notFound(this.cfg.entity, id);
    return (await this.reveal([this.cfg.toView(rows[0])]))[0];
  }

  /** The objects of these tickets, oldest first; the caller already saw the tickets. */
  async byTickets(ticketIds: readonly string[]): Promise<Map<string, View[]>> {
    const { columns, table, toView } = this.cfg;
    const rows = (await this.ds.query(
      `SELECT ${columns} FROM ${table} r WHERE r.ticket_id = ANY($1) ORDER BY r.created_at, r.id`,
      [ticketIds],
    )) as Row[];
    const out = new Map<string, View[]>();
    for (const r of await this.reveal(rows.map(toView)))
      out.set(r.ticketId, [...(out.get(r.ticketId) ?? []), r]);
    return out;
  }

  async byIds(ids: readonly string[]): Promise<View[]> {
    const { columns, table, toView } = this.cfg;
    const rows = (await this.ds.query(`SELECT ${columns} FROM ${table} r WHERE r.id = ANY($1)`, [
      ids,
    ])) as Row[];
    return this.reveal(rows.map(toView));
  }

  /** Newest first; totalCount runs only when asked for. */
  async list(principal: Principal, filter: F, first: number, after?: string): Promise<Page<View>> {
    const { columns, cursorKind, toView } = this.cfg;
    const [scope, params] = this.cfg.scope(principal, 1);
    const where = [scope];
    for (const { key, column } of this.cfg.filters) {
      const value = filter[key];
      if (Array.isArray(value) ? value.length === 0 : !value) continue;
      params.push(value);
      where.push(
        Array.isArray(value) ? `${column} = ANY($${params.length})` : `${column} = $${params.length}`,
      );
    }
    const countWhere = [...where];
    const countParams = [...params];
    if (after) {
      const c = decodePageCursor(after, cursorKind);
      params.push(c.value, c.id);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(first + 1);
    const rows = (await this.ds.query(
      `SELECT ${columns} FROM ${this.from} WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    )) as Row[];
    const nodes = await this.reveal(rows.slice(0, first).map(toView));
    return {
      items: rows.slice(0, first).map((r, i) => ({
        cursor: encodePageCursor(cursorKind, r.created_at.toISOString(), r.id),
        node: nodes[i],
      })),
      hasNextPage: rows.length > first,
      totalCount: async () => {
        const counted = (await this.ds.query(
          `SELECT count(*) AS c FROM ${this.from} WHERE ${countWhere.join(' AND ')}`,
          countParams,
        )) as Array<{ c: string }>;
        return Number(counted[0].c);
      },
    };
  }
}
