import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DomainError,
  EventStore,
  LOG_START,
  LogCursor,
  PiiVault,
  PublicEventSources,
  decodeCursor,
  encodeCursor,
  scopedPublicTypes,
  PublicEvent,
} from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '@kefu/tickets';
import { MAPPED_TICKET_EVENT_TYPES, toPublicEvent } from '../domain/event-mapper';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

export interface FeedPage {
  data: PublicEvent[];
  /** Where to continue. Never null: a feed has no last page; poll again from here. */
  nextCursor: string;
}

interface FeedRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  ticket_id: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  created_at: Date;
  number: string;
  channel: string;
  external_ref: string | null;
}

/**
 * A partner channel's public events in log order, for partners who poll instead of receiving
 * webhooks. Same commit-safe read as the consumers (EventStore.readAll): only transactions below
 * the snapshot's xmin, ordered by (transaction_id, global_position), so a transaction that commits
 * late is returned later, never skipped; the cursor is that pair. Same mappers as the webhooks: ticket
 * events, and the events of module streams (disputes, refunds…) through their ticket's link. A scoped
 * partner (payments core, wallet core) also gets its scope's events of every ticket.
 */
@Injectable()
export class EventFeedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly sources: PublicEventSources,
    private readonly vault: PiiVault,
  ) {}

  parseCursor(cursor: string | undefined): LogCursor {
    if (cursor === undefined || cursor === '') return LOG_START;
    const c = decodeCursor(cursor);
    if (!c)
      throw DomainError.validation([
        { field: 'after', message: 'is not a cursor of the event feed (use a nextCursor you were given)' },
      ]);
    return c;
  }

  async page(
    channel: string,
    after: LogCursor,
    limit: number,
    scopes: readonly string[] = [],
  ): Promise<FeedPage> {
    const scopedTypes = this.sources.eventTypesFor(scopedPublicTypes(scopes));
    const rows = (await this.dataSource.query(
      `SELECT e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, e.stream_id,
              e.stream_type, t.id AS ticket_id, e.event_id, e.event_type, e.schema_version, e.data, e.created_at,
              t.number, t.channel, t.external_ref
         FROM es_events e
         LEFT JOIN es_stream_tickets l ON e.stream_type <> $1 AND l.stream_id = e.stream_id
         JOIN ticket_view t ON t.id = CASE WHEN e.stream_type = $1 THEN e.stream_id ELSE l.ticket_id END
        WHERE e.event_type = ANY($2::text[])
          AND ((t.opened_by_kind = 'partner' AND t.opened_by_id = $3) OR e.event_type = ANY($7::text[]))
          AND (e.transaction_id, e.global_position) > ($4::xid8, $5::bigint)
          AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.transaction_id, e.global_position
        LIMIT $6`,
      [
        TICKET_STREAM_TYPE,
        [...MAPPED_TICKET_EVENT_TYPES, ...this.sources.eventTypes()],
        channel,
        after.transactionId,
        after.globalPosition,
        limit,
        scopedTypes,
      ],
    )) as FeedRow[];
    const data: PublicEvent[] = [];
    // Personal data is sealed in the events: opened here, then masked (or left out) by the mappers.
    const opened = await this.vault.reveal(
      rows.map((r) => this.store.upcasters.upcast(r.event_type, r.schema_version, r.data).data),
    );
    for (const [i, r] of rows.entries()) {
      const up = { data: opened[i] };
      const ticket = { id: r.ticket_id, number: r.number, channel: r.channel, externalRef: r.external_ref };
      const event =
        r.stream_type === TICKET_STREAM_TYPE
          ? toPublicEvent({
              eventId: r.event_id,
              type: r.event_type,
              data: up.data,
              recordedAt: r.created_at,
              ticket,
            })
          : this.sources.toPublic(
              r.stream_type,
              {
                eventId: r.event_id,
                streamId: r.stream_id,
                type: r.event_type,
                data: up.data,
                recordedAt: r.created_at,
              },
              ticket,
            );
      if (event) data.push(event);
    }
    const last = rows[rows.length - 1];
    // Past the last row read, even if the mapper dropped it; on an empty page, where the caller was.
    const next = last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : after;
    return { data, nextCursor: encodeCursor(next) };
  }
}
