import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../event-store/event-store';
import { Tx, inTransaction } from '../event-store/tx';
import { StoredEvent } from '../event-store/types';

/**
 * A read model derived from events only, so it can be dropped and rebuilt from the log.
 * Inline projections are applied by the command pipeline in the command's transaction; the same
 * apply() replays the whole log on rebuild.
 */
export interface Projection {
  readonly name: string;
  /** Tables it owns: truncated on rebuild. */
  readonly tables: readonly string[];
  /** Applies events in stream order; must tolerate events it does not handle. */
  apply(tx: Tx, events: StoredEvent[]): Promise<void>;
}

@Injectable()
export class ProjectionRegistry {
  private readonly projections: Projection[] = [];

  register(p: Projection): void {
    if (this.projections.some((x) => x.name === p.name))
      throw new Error(`projection ${p.name} registered twice`);
    this.projections.push(p);
  }

  list(): readonly Projection[] {
    return this.projections;
  }
}

const REBUILD_BATCH = 1000;
/** Where a rebuild writes until it swaps: the read models' own tables, created empty alike. */
const SHADOW_SCHEMA = 'kefu_rebuild';
// One rebuild at a time (a session advisory lock; the shadow tables are shared).
const REBUILD_LOCK_KEY = "hashtext('kefu.projections.rebuild')";

export interface RebuildProgress {
  /** replay: the log as of the rebuild's snapshot; catch-up: what was committed since (tables locked). */
  phase: 'replay' | 'catch-up' | 'swapped';
  events: number;
  seconds: number;
  /** The global position of the last event applied. */
  position: string;
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}

export class RebuildBusyError extends Error {
  constructor() {
    super('another projections rebuild is running');
    this.name = 'RebuildBusyError';
  }
}

/**
 * Replays every (or the named) projection from the log into fresh tables and swaps them in.
 *
 * 1. Empty copies of the projections' tables are made in a schema of their own (same columns,
 *    indexes, constraints); each batch runs with that schema first on the search path, so the
 *    projections' own statements write there and the live tables stay as they are meanwhile.
 * 2. Replay: the log is read in global-position order (stream order for every aggregate) under one
 *    REPEATABLE READ snapshot, pages of `batchSize`; each page is applied in its own transaction
 *    (while the next page is read). Reading under one snapshot is what makes it gapless: it sees a
 *    fixed, complete prefix of every stream.
 * 3. Catch-up and swap, one transaction: the live tables are locked IN EXCLUSIVE MODE (readers go on
 *    reading the old rows; commands that project wait, and every transaction that wrote to them has
 *    committed), the events the snapshot did not see are applied (readUnseenBy), and the live
 *    tables' rows are replaced by the rebuilt ones. A command waiting on the lock projects its own
 *    events inline onto the new rows after the commit; nothing is skipped or applied twice.
 */
export async function rebuildProjections(
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
  opts: RebuildOptions = {},
): Promise<{ events: number; projections: string[] }> {
  const logger = new Logger('ProjectionRebuild');
  const batchSize = opts.batchSize ?? REBUILD_BATCH;
  const names = projections.map((p) => p.name);
  const tables = [...new Set(projections.flatMap((p) => p.tables))];
  const started = Date.now();
  let total = 0;
  let position = '0';
  const progress = (phase: RebuildProgress['phase']) =>
    opts.onProgress?.({ phase, events: total, seconds: (Date.now() - started) / 1000, position });

  const reader = dataSource.createQueryRunner();
  await reader.connect();
  const readTx = new Tx(reader);
  try {
    const locked = await readTx.one<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(${REBUILD_LOCK_KEY}) AS ok`,
    );
    if (!locked?.ok) throw new RebuildBusyError();
    try {
      const live = (await readTx.one<{ s: string }>(`SELECT current_schema() AS s`))!.s;
      const searchPath = `SET LOCAL search_path TO ${SHADOW_SCHEMA}, ${live}`;
      await inTransaction(dataSource, async (tx) => {
        await tx.execute(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
        await tx.execute(`CREATE SCHEMA ${SHADOW_SCHEMA}`);
        for (const t of tables)
          await tx.execute(`CREATE TABLE ${SHADOW_SCHEMA}.${t} (LIKE ${live}.${t} INCLUDING ALL)`);
      });
      const apply = async (tx: Tx, events: StoredEvent[]) => {
        for (const p of projections) await p.apply(tx, events);
        total += events.length;
        position = events[events.length - 1].globalPosition;
      };

      // ---- replay under one snapshot, a transaction per page ----
      await reader.startTransaction('REPEATABLE READ');
      const snapshot = (await readTx.one<{ s: string }>(`SELECT pg_current_snapshot()::text AS s`))!.s;
      const read = (after: string) => store.readByPosition(readTx, after, batchSize);
      let page = await read('0');
      while (page.length) {
        const last = page[page.length - 1].globalPosition;
        const next = page.length === batchSize ? read(last) : Promise.resolve([]);
        next.catch(() => undefined); // awaited below; an error surfaces there
        const events = page;
        await inTransaction(dataSource, async (tx) => {
          await tx.execute(searchPath);
          await apply(tx, events);
        });
        progress('replay');
        page = await next;
      }
      await reader.commitTransaction();

      // ---- catch-up and swap ----
      await inTransaction(dataSource, async (tx) => {
        if (tables.length)
          await tx.execute(`LOCK TABLE ${tables.map((t) => `${live}.${t}`).join(', ')} IN EXCLUSIVE MODE`);
        await tx.execute(searchPath);
        for (let after = '0'; ;) {
          const events = await store.readUnseenBy(tx, snapshot, after, batchSize);
          if (events.length === 0) break;
          await apply(tx, events);
          after = events[events.length - 1].globalPosition;
          progress('catch-up');
        }
        for (const t of tables) {
          const cols = await tx.one<{ c: string }>(
            `SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS c
               FROM information_schema.columns
              WHERE table_schema = $1 AND table_name = $2 AND is_generated = 'NEVER'`,
            [live, t],
          );
          await tx.execute(`DELETE FROM ${live}.${t}`);
          await tx.execute(
            `INSERT INTO ${live}.${t} (${cols!.c}) OVERRIDING SYSTEM VALUE SELECT ${cols!.c} FROM ${SHADOW_SCHEMA}.${t}`,
          );
        }
      });
      progress('swapped');
      await readTx.execute(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
    } finally {
      if (reader.isTransactionActive) await reader.rollbackTransaction().catch(() => undefined);
      await readTx.execute(`SELECT pg_advisory_unlock(${REBUILD_LOCK_KEY})`).catch(() => undefined);
    }
  } finally {
    await reader.release();
  }
  const seconds = (Date.now() - started) / 1000;
  logger.log({ events: total, projections: names, seconds }, 'projections rebuilt');
  return { events: total, projections: names };
}

/**
 * Moves one read-model row forward by one event: `$1` id, `$2` the event's stream version, `$3` its
 * time, the SET clause's own parameters from `$4`. Rows carry the version they reflect, so an event
 * applied twice (replays, retries) changes nothing. `table` is a constant of the projection.
 */
export async function updateIfNewer(
  tx: Tx,
  table: string,
  id: string,
  version: number,
  at: string,
  set: string,
  params: unknown[],
): Promise<void> {
  await tx.execute(
    `UPDATE ${table} SET ${set}, updated_at = $3::timestamptz, version = $2 WHERE id = $1 AND version < $2`,
    [id, version, at, ...params],
  );
}
