import { randomUUID } from 'node:crypto';
import { RequestContext } from '../context/request-context';
import { currentTraceparent } from '../tracing/tracing';
import { ConcurrencyError } from './errors';
import { Tx, pgErrorCode, pgErrorDetail, preparedSql } from './tx';
import {
  AppendRequest,
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  LOG_START,
  LogCursor,
  StoredEvent,
} from './types';
import { UpcasterRegistry } from './upcasters';

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  stream_position: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
}

// Note: ORDER BY must use the qualified e.* columns; the bare names would bind to these text aliases.
const EVENT_COLUMNS = `e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,
  e.stream_id, e.stream_type, e.stream_position::text AS stream_position, e.event_id, e.event_type,
  e.schema_version, e.data, e.metadata, e.created_at`;

// The statements every command runs, prepared once per connection (docs/adr/0008-write-path.md).
const APPEND = preparedSql(
  'es_append',
  `SELECT global_position::text AS global_position, stream_position::text AS stream_position,
          transaction_id::text AS transaction_id, created_at
     FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[])`,
);
const READ_ALL = preparedSql(
  'es_read_all',
  `SELECT ${EVENT_COLUMNS} FROM es_events e
    WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
      AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.transaction_id, e.global_position
    LIMIT $3`,
);
const READ_BY_POSITION = preparedSql(
  'es_read_by_position',
  `SELECT ${EVENT_COLUMNS} FROM es_events e WHERE e.global_position > $1 ORDER BY e.global_position LIMIT $2`,
);
const READ_STREAM = preparedSql(
  'es_read_stream',
  `SELECT ${EVENT_COLUMNS} FROM es_events e WHERE e.stream_id = $1 AND e.stream_position > $2 ORDER BY e.stream_position`,
);

function expectedCode(v: ExpectedVersion): number {
  switch (v) {
    case 'no_stream':
      return -1;
    case 'any':
      return -2;
    case 'stream_exists':
      return -3;
    default:
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`invalid expected version ${String(v)}`);
      return v;
  }
}

export interface ReadStreamOptions {
  /** Only events after this stream position. */
  after?: number;
  /** Only events up to and including this stream position. */
  upTo?: number;
  /** Only events recorded at or before this time (time travel). */
  asOf?: Date;
}

export interface ReadAllOptions {
  limit?: number;
}

/**
 * A small Postgres event store. Every method runs inside the caller's transaction (Tx), so appends
 * commit together with read models, checkpoints and idempotency records.
 */
export class EventStore {
  /** Told about appended events once their transaction has committed (metrics). */
  onCommitted?: (events: StoredEvent[]) => void;

  constructor(readonly upcasters: UpcasterRegistry = new UpcasterRegistry()) {}

  async append(tx: Tx, req: AppendRequest): Promise<AppendResult> {
    const ctx = RequestContext.current();
    // W3C trace context of the writer, so the dispatcher's and jobs' spans join its trace.
    const traceparent = currentTraceparent();
    const ids: string[] = [];
    const types: string[] = [];
    const versions: number[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    for (const e of req.events) {
      ids.push(e.eventId ?? randomUUID());
      types.push(e.type);
      versions.push(e.schemaVersion ?? this.upcasters.latestVersion(e.type));
      data.push(JSON.stringify(e.data ?? {}));
      const meta: EventMetadata = {
        correlationId: ctx?.correlationId,
        ...(ctx?.actor ? { actor: ctx.actor } : {}),
        ...(traceparent ? { traceparent } : {}),
        ...e.metadata,
      };
      metadata.push(JSON.stringify(meta));
    }
    let rows: Array<{
      global_position: string;
      stream_position: string;
      transaction_id: string;
      created_at: Date;
    }>;
    try {
      rows = await tx.rows(APPEND, [
        req.streamId,
        req.streamType,
        expectedCode(req.expectedVersion),
        ids,
        types,
        versions,
        data,
        metadata,
      ]);
    } catch (e) {
      throw this.translate(e, req);
    }
    const events: StoredEvent[] = rows.map((r, i) => ({
      globalPosition: r.global_position,
      transactionId: r.transaction_id,
      streamId: req.streamId,
      streamType: req.streamType,
      streamPosition: Number(r.stream_position),
      eventId: ids[i],
      type: types[i],
      schemaVersion: versions[i],
      data: JSON.parse(data[i]) as unknown,
      metadata: JSON.parse(metadata[i]) as EventMetadata,
      createdAt: r.created_at,
    }));
    const onCommitted = this.onCommitted;
    if (onCommitted) tx.afterCommit(() => onCommitted(events));
    return {
      streamId: req.streamId,
      nextExpectedVersion: events[events.length - 1].streamPosition,
      events,
    };
  }

  /** Appends to several streams atomically: all or none (the caller's transaction). */
  async appendMany(tx: Tx, reqs: AppendRequest[]): Promise<AppendResult[]> {
    const out: AppendResult[] = [];
    // Lock streams in a stable order so two multi-stream appends cannot deadlock.
    const order = [...reqs.keys()].sort((a, b) => reqs[a].streamId.localeCompare(reqs[b].streamId));
    const results = new Map<number, AppendResult>();
    for (const i of order) results.set(i, await this.append(tx, reqs[i]));
    for (let i = 0; i < reqs.length; i++) out.push(results.get(i)!);
    return out;
  }

  async streamVersion(tx: Tx, streamId: string): Promise<number> {
    const row = await tx.one<{ version: string }>(
      `SELECT version::text AS version FROM es_streams WHERE stream_id = $1`,
      [streamId],
    );
    return row ? Number(row.version) : 0;
  }

  async readStream(tx: Tx, streamId: string, opts: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, opts.after ?? 0];
    let where = `e.stream_id = $1 AND e.stream_position > $2`;
    if (opts.upTo !== undefined) {
      params.push(opts.upTo);
      where += ` AND e.stream_position <= $${params.length}`;
    }
    if (opts.asOf) {
      params.push(opts.asOf);
      where += ` AND e.created_at <= $${params.length}`;
    }
    // The common read (a command loading its stream) is prepared; as-of and up-to reads are rare.
    const rows = await tx.rows<EventRow>(
      params.length === 2
        ? READ_STREAM
        : `SELECT ${EVENT_COLUMNS} FROM es_events e WHERE ${where} ORDER BY e.stream_position`,
      params,
    );
    return rows.map((r) => this.toStored(r));
  }

  /**
   * Reads the global log after `cursor`, in commit-safe order: only events of transactions that
   * every snapshot agrees have finished (transaction_id below the snapshot's xmin), ordered by
   * (transaction_id, global_position). A transaction that commits late is therefore read later,
   * never skipped. Call it before the transaction's first write.
   */
  async readAll(tx: Tx, cursor: LogCursor = LOG_START, opts: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const rows = await tx.rows<EventRow>(READ_ALL, [
      cursor.transactionId,
      cursor.globalPosition,
      opts.limit ?? 500,
    ]);
    return rows.map((r) => this.toStored(r));
  }

  /**
   * Reads the log after `after` in plain global-position order, for rebuilds that hold the read
   * models locked: within a stream, global positions grow with stream positions (appends lock the
   * stream), so this is a valid stream order for every aggregate. Not commit-safe: use readAll to follow the log.
   */
  async readByPosition(tx: Tx, after: string, limit: number): Promise<StoredEvent[]> {
    const rows = await tx.rows<EventRow>(READ_BY_POSITION, [after, limit]);
    return rows.map((r) => this.toStored(r));
  }

  /**
   * The events a snapshot (`pg_current_snapshot()` taken earlier) did not see: of transactions still
   * running or not yet started then, committed by now. In global-position order after `after`, so a
   * replay that read the log under that snapshot finishes with exactly what it missed (a snapshot
   * that sees an event of a stream sees every earlier one, appends lock the stream).
   */
  async readUnseenBy(tx: Tx, snapshot: string, after: string, limit: number): Promise<StoredEvent[]> {
    const rows = await tx.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events e
        WHERE e.transaction_id >= pg_snapshot_xmin($1::pg_snapshot)
          AND NOT pg_visible_in_snapshot(e.transaction_id, $1::pg_snapshot)
          AND e.global_position > $2::bigint
        ORDER BY e.global_position LIMIT $3`,
      [snapshot, after, limit],
    );
    return rows.map((r) => this.toStored(r));
  }

  private toStored(r: EventRow): StoredEvent {
    const up = this.upcasters.upcast(r.event_type, r.schema_version, r.data);
    return {
      globalPosition: r.global_position,
      transactionId: r.transaction_id,
      streamId: r.stream_id,
      streamType: r.stream_type,
      streamPosition: Number(r.stream_position),
      eventId: r.event_id,
      type: r.event_type,
      schemaVersion: up.schemaVersion,
      data: up.data,
      metadata: r.metadata ?? {},
      createdAt: r.created_at,
    };
  }

  private translate(e: unknown, req: AppendRequest): unknown {
    const code = pgErrorCode(e);
    if (code === 'KF409') {
      let actual: number | undefined;
      try {
        const d = JSON.parse(pgErrorDetail(e) ?? '{}') as { actual?: number };
        actual = d.actual !== undefined && d.actual >= 0 ? d.actual : undefined;
      } catch {
        actual = undefined;
      }
      return new ConcurrencyError(req.streamId, String(req.expectedVersion), actual);
    }
    if (code === '23505') {
      // the same event id appended twice: a replayed command, treated as a conflict
      return new ConcurrencyError(req.streamId, String(req.expectedVersion), undefined);
    }
    return e;
  }
}
