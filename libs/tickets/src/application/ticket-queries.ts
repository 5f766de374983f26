import { Injectable } from '@nestjs/common';
import {
  DomainError,
  EventStore,
  PiiKeyCache,
  PiiVault,
  Principal,
  StoredEvent,
  Tx,
  inTransaction,
  loadState,
  Sql,
  preparedShape,
  readRows,
} from '@kefu/platform';
import { DataSource } from 'typeorm';
import { TICKET_STREAM_TYPE, ticketDecider } from '../domain/ticket.decider';
import { INTERNAL_TICKET_EVENT_TYPES } from '../domain/ticket.events';
import { canSeeTicket } from '../domain/ticket.permissions';
import { Category, Channel, Priority, Tier } from '@kefu/kernel';
import { TicketStatus } from '../domain/ticket.types';
import { actorFromPrincipal } from './actor';
import { decodePageCursor, encodePageCursor } from './page-cursor';
import { MessageRow, MessageView, TicketRow, TicketView, toMessageView, toTicketView } from './ticket-view';

export interface TicketFilter {
  status?: TicketStatus[];
  priority?: Priority[];
  category?: Category[];
  channel?: Channel[];
  tier?: Tier[];
  assigneeId?: string;
  unassigned?: boolean;
  customerId?: string;
  tag?: string;
  slaBreached?: boolean;
  slaDueBefore?: Date;
  text?: string;
  updatedSince?: Date;
}

/** `queue`: priority, then VIP customers first within a priority (see docs/sla-and-segments.md). */
export type TicketOrderField = 'created_at' | 'updated_at' | 'priority' | 'next_sla_due_at' | 'queue';
export interface TicketOrder {
  field: TicketOrderField;
  direction: 'asc' | 'desc';
}

export interface Page<T> {
  items: Array<{ cursor: string; node: T }>;
  hasNextPage: boolean;
  /** Counted on demand: it is the one expensive part of a page. */
  totalCount: () => Promise<number>;
}

// Every ordering ends with id: cursors are unique and stable under concurrent inserts.
const ORDER_COLUMN: Record<TicketOrderField, string> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  priority: 'priority_rank',
  next_sla_due_at: 'next_sla_due_at',
  queue: 'queue_rank',
};

/** Every column a TicketView needs: not search_text, a generated copy of the longest texts. */
const TICKET_COLUMNS = `id, number, subject, description, category, priority, priority_rank, queue_rank, status, channel, language,
  customer_id, customer, "transaction", tags, segments, vip, tier, escalation_level, assignee_id, opened_by_kind, opened_by_id,
  external_ref, reopen_count, escalation_requested, sla, next_sla_due_at, sla_breached, created_at, updated_at,
  solved_at, closed_at, version, client_version`;

/** A ticket_view column a page may be limited to (listColumns). */
export type TicketColumn = keyof TicketRow;

/** A row of a column-limited page: `id`, the ordering's column and the columns asked for. */
export type TicketPageRow = Pick<TicketRow, 'id'> & Partial<TicketRow>;

const COLUMN_NAMES: ReadonlySet<string> = new Set(
  TICKET_COLUMNS.split(',').map((c) => c.trim().replace(/"/g, '')),
);

const quoteColumn = (c: string) => (c === 'transaction' ? '"transaction"' : c);

/** Reads of tickets for a caller, with the access rules applied in SQL. */
@Injectable()
export class TicketQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly vault: PiiVault,
  ) {}

  /**
   * Contact details are sealed in events and ticket_view (per-customer key); reads open them, or
   * show `[erased]` once the customer is forgotten. Old clear-text events pass through unchanged.
   */
  private async revealViews(views: TicketView[], keyCache?: PiiKeyCache): Promise<TicketView[]> {
    const customers = await this.vault.reveal(
      views.map((v) => v.customer),
      undefined,
      keyCache,
    );
    return views.map((v, i) => ({ ...v, customer: customers[i] }));
  }

  /** A customer author's name is sealed in ticket_messages (staff and partner names are not). */
  private async revealMessages(rows: MessageRow[]): Promise<MessageRow[]> {
    const names = await this.vault.reveal(rows.map((r) => r.author_name));
    return rows.map((r, i) => ({ ...r, author_name: names[i] }));
  }

  private async revealEvents(events: StoredEvent[]): Promise<StoredEvent[]> {
    const data = await this.vault.reveal(events.map((e) => e.data));
    return events.map((e, i) => ({ ...e, data: data[i] }));
  }

  async byIdIn(tx: Tx, id: string): Promise<TicketView | undefined> {
    const row = await tx.one<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM ticket_view WHERE id = $1`, [id]);
    return row ? toTicketView(row) : undefined;
  }

  /** The ticket if this caller may see it; not_found otherwise (never 403: no existence leak). */
  async get(principal: Principal, id: string, keyCache?: PiiKeyCache): Promise<TicketView> {
    const [scope, params] = accessScope(principal, 2);
    const rows = await readRows<TicketRow>(
      this.ds,
      `SELECT ${TICKET_COLUMNS} FROM ticket_view WHERE id = $1 AND ${scope}`,
      [id, ...params],
    );
    if (!rows[0]) throw DomainError.notFound('Ticket', id);
    return (await this.revealViews([toTicketView(rows[0])], keyCache))[0];
  }

  async getMany(ids: readonly string[]): Promise<TicketView[]> {
    const rows = (await this.ds.query(`SELECT ${TICKET_COLUMNS} FROM ticket_view WHERE id = ANY($1)`, [
      ids,
    ])) as TicketRow[];
    return this.revealViews(rows.map(toTicketView));
  }

  async list(
    principal: Principal,
    filter: TicketFilter,
    order: TicketOrder,
    first: number,
    after?: string,
  ): Promise<Page<TicketView>> {
    const q = this.pageQuery(principal, filter, order, first, after, TICKET_COLUMNS);
    const rows = await readRows<TicketRow>(this.ds, q.statement, q.params);
    const page = rows.slice(0, first);
    const views = await this.revealViews(page.map(toTicketView));
    return {
      items: page.map((r, i) => ({
        cursor: encodePageCursor(order.field, sortValue(r, order.field), r.id),
        node: views[i],
      })),
      hasNextPage: rows.length > first,
      totalCount: q.count,
    };
  }

  /**
   * The same page as list() (same filter, access scope, order and cursors), reading only `columns`
   * (plus id and the ordering's column): a GraphQL page asks for a few fields of each ticket. When
   * `customer` is read, only its `customerFields` are kept and opened.
   */
  async listColumns(
    principal: Principal,
    filter: TicketFilter,
    order: TicketOrder,
    first: number,
    after: string | undefined,
    columns: readonly TicketColumn[],
    opts: { customerFields?: ReadonlyArray<'name' | 'email' | 'phone'>; keyCache?: PiiKeyCache } = {},
  ): Promise<Page<TicketPageRow>> {
    const wanted = new Set<string>(['id', ORDER_COLUMN[order.field], ...columns]);
    for (const c of wanted) if (!COLUMN_NAMES.has(c)) throw new Error(`not a ticket_view column: ${c}`);
    const q = this.pageQuery(principal, filter, order, first, after, [...wanted].map(quoteColumn).join(', '));
    const rows = await readRows<TicketPageRow>(this.ds, q.statement, q.params);
    const page = rows.slice(0, first);
    if (wanted.has('customer')) {
      const keep = opts.customerFields ?? ['name', 'email', 'phone'];
      const customers = await this.vault.reveal(
        page.map((r) => {
          const c = r.customer!;
          const out: TicketRow['customer'] = { id: c.id };
          for (const k of keep) if (c[k] !== undefined) out[k] = c[k];
          return out;
        }),
        undefined,
        opts.keyCache,
      );
      page.forEach((r, i) => (r.customer = customers[i]));
    }
    return {
      items: page.map((r) => ({
        cursor: encodePageCursor(order.field, sortValue(r as TicketRow, order.field), r.id),
        node: r,
      })),
      hasNextPage: rows.length > first,
      totalCount: q.count,
    };
  }

  /** The page's SQL (and its count) for `select`, with the caller's access scope. */
  private pageQuery(
    principal: Principal,
    filter: TicketFilter,
    order: TicketOrder,
    first: number,
    after: string | undefined,
    select: string,
  ): { statement: Sql; params: unknown[]; count: () => Promise<number> } {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    const [scope, scopeParams] = accessScope(principal, 1);
    params.push(...scopeParams);
    where.push(scope);
    if (filter.status?.length) add((n) => `status = ANY($${n})`, filter.status);
    if (filter.priority?.length) add((n) => `priority = ANY($${n})`, filter.priority);
    if (filter.category?.length) add((n) => `category = ANY($${n})`, filter.category);
    if (filter.channel?.length) add((n) => `channel = ANY($${n})`, filter.channel);
    if (filter.tier?.length) add((n) => `tier = ANY($${n})`, filter.tier);
    if (filter.assigneeId) add((n) => `assignee_id = $${n}`, filter.assigneeId);
    if (filter.unassigned !== undefined)
      where.push(filter.unassigned ? `assignee_id IS NULL` : `assignee_id IS NOT NULL`);
    if (filter.customerId) add((n) => `customer_id = $${n}`, filter.customerId);
    if (filter.tag) add((n) => `tags @> ARRAY[$${n}]::text[]`, filter.tag.toLowerCase());
    if (filter.slaBreached !== undefined) add((n) => `sla_breached = $${n}`, filter.slaBreached);
    if (filter.slaDueBefore) add((n) => `next_sla_due_at < $${n}`, filter.slaDueBefore);
    if (filter.updatedSince) add((n) => `updated_at >= $${n}`, filter.updatedSince);
    if (filter.text?.trim())
      add((n) => `search_text LIKE $${n} ESCAPE '\\'`, `%${escapeLike(filter.text.trim().toLowerCase())}%`);

    const filterWhere = [...where];
    const filterParams = [...params];
    const col = ORDER_COLUMN[order.field];
    const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
    if (after) {
      const c = decodePageCursor(after, order.field);
      params.push(c.value, c.id);
      where.push(`(${col}, id) ${dir === 'ASC' ? '>' : '<'} ($${params.length - 1}, $${params.length})`);
    }
    params.push(first + 1);
    const sql = `SELECT ${select} FROM ticket_view WHERE ${where.join(' AND ')} ORDER BY ${col} ${dir}, id ${dir} LIMIT $${params.length}`;
    return {
      // A text search is planned for its pattern each time: a prepared statement's generic plan
      // cannot see how selective '%merchant%' is; prepared, this page ran at 0.20x of the
      // hand-written query at 100k tickets, unprepared 0.65x (bench/results/tickets.md, 100k).
      statement: filter.text?.trim() ? sql : preparedShape(sql),
      params,
      count: async () =>
        Number(
          (
            await readRows<{ c: string }>(
              this.ds,
              `SELECT count(*) AS c FROM ticket_view WHERE ${filterWhere.join(' AND ')}`,
              filterParams,
            )
          )[0].c,
        ),
    };
  }

  async messages(
    ticketId: string,
    includeInternal: boolean,
    first: number,
    after?: string,
  ): Promise<Page<MessageView>> {
    const afterSeq = after ? decodePageCursor(after, 'seq').value : 0;
    const vis = includeInternal ? '' : `AND visibility = 'public'`;
    const stored = (await this.ds.query(
      `SELECT * FROM ticket_messages WHERE ticket_id = $1 ${vis} AND seq > $2 ORDER BY seq LIMIT $3`,
      [ticketId, afterSeq, first + 1],
    )) as MessageRow[];
    const rows = await this.revealMessages(stored);
    return {
      items: rows
        .slice(0, first)
        .map((r) => ({ cursor: encodePageCursor('seq', r.seq, r.id), node: toMessageView(r) })),
      hasNextPage: rows.length > first,
      totalCount: async () =>
        Number(
          (
            (await this.ds.query(`SELECT count(*) AS c FROM ticket_messages WHERE ticket_id = $1 ${vis}`, [
              ticketId,
            ])) as Array<{ c: string }>
          )[0].c,
        ),
    };
  }

  /**
   * The first page of messages of several tickets in one query (a GraphQL page of tickets asking for
   * `messages(first: n)`): the same pages `messages()` returns, one round trip for all of them.
   */
  async firstMessagesOf(
    ticketIds: readonly string[],
    includeInternal: boolean,
    first: number,
  ): Promise<Map<string, Page<MessageView>>> {
    const vis = includeInternal ? '' : `AND visibility = 'public'`;
    const stored = (await this.ds.query(
      `SELECT * FROM (
         SELECT m.*, row_number() OVER (PARTITION BY ticket_id ORDER BY seq) AS rn
           FROM ticket_messages m WHERE ticket_id = ANY($1) ${vis}
       ) x WHERE rn <= $2 ORDER BY ticket_id, seq`,
      [ticketIds, first + 1],
    )) as MessageRow[];
    const rows = await this.revealMessages(stored);
    const byTicket = new Map<string, MessageRow[]>(ticketIds.map((id) => [id, []]));
    for (const r of rows) byTicket.get(r.ticket_id)?.push(r);
    const out = new Map<string, Page<MessageView>>();
    for (const [ticketId, list] of byTicket) {
      out.set(ticketId, {
        items: list
          .slice(0, first)
          .map((r) => ({ cursor: encodePageCursor('seq', r.seq, r.id), node: toMessageView(r) })),
        hasNextPage: list.length > first,
        totalCount: async () =>
          Number(
            (
              (await this.ds.query(`SELECT count(*) AS c FROM ticket_messages WHERE ticket_id = $1 ${vis}`, [
                ticketId,
              ])) as Array<{ c: string }>
            )[0].c,
          ),
      });
    }
    return out;
  }

  /** Public messages of several tickets at once (REST list pages, DataLoader). */
  async publicMessagesOf(ticketIds: readonly string[]): Promise<Map<string, MessageView[]>> {
    const rows = await this.revealMessages(
      (await this.ds.query(
        `SELECT * FROM ticket_messages WHERE ticket_id = ANY($1) AND visibility = 'public' ORDER BY ticket_id, seq`,
        [ticketIds],
      )) as MessageRow[],
    );
    const out = new Map<string, MessageView[]>(ticketIds.map((id) => [id, []]));
    for (const r of rows) out.get(r.ticket_id)?.push(toMessageView(r));
    return out;
  }

  /** The ticket's events, oldest first, straight from the log. Internal notes only for staff. */
  async timeline(
    principal: Principal,
    ticketId: string,
    first: number,
    after?: string,
  ): Promise<Page<StoredEvent>> {
    const afterPos = after ? decodePageCursor(after, 'seq').value : 0;
    const hideInternal = principal.kind === 'partner' || principal.role === 'customer';
    const events = await inTransaction(this.ds, (tx) =>
      this.store.readStream(tx, ticketId, { after: Number(afterPos) }),
    );
    const visible = await this.revealEvents(
      events.filter(
        (e) =>
          e.streamType === TICKET_STREAM_TYPE &&
          !(hideInternal && (INTERNAL_TICKET_EVENT_TYPES as readonly string[]).includes(e.type)),
      ),
    );
    return {
      items: visible
        .slice(0, first)
        .map((e) => ({ cursor: encodePageCursor('seq', e.streamPosition, e.eventId), node: e })),
      hasNextPage: visible.length > first,
      totalCount: () => Promise.resolve(visible.length),
    };
  }

  /** The ticket as it stood at `asOf`, rebuilt from its events (state, not the read model). */
  async asOf(
    principal: Principal,
    ticketId: string,
    asOf: Date,
  ): Promise<{ events: StoredEvent[] } | undefined> {
    const loaded = await inTransaction(this.ds, (tx) =>
      loadState(this.store, tx, ticketId, ticketDecider, { asOf }),
    );
    const state = loaded.state;
    if (!state.exists || !canSeeTicket(actorFromPrincipal(principal), state)) return undefined;
    return { events: await this.revealEvents(loaded.events) };
  }
}

/** SQL restricting tickets to what the caller may see; $start.. are its parameters. */
export function accessScope(p: Principal, start: number): [string, unknown[]] {
  if (p.kind === 'partner') return [`opened_by_kind = 'partner' AND opened_by_id = $${start}`, [p.partner]];
  if (p.role === 'customer') return [`customer_id = $${start}`, [p.customerId ?? '\u0000none']];
  return ['true', []];
}

function sortValue(r: TicketRow, field: TicketOrderField): string | number {
  switch (field) {
    case 'created_at':
      return r.created_at.toISOString();
    case 'updated_at':
      return r.updated_at.toISOString();
    case 'priority':
      return r.priority_rank;
    case 'queue':
      return r.queue_rank;
    case 'next_sla_due_at':
      return r.next_sla_due_at instanceof Date ? r.next_sla_due_at.toISOString() : 'infinity';
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
