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

/**
 * Drops and replays every (or the named) projection in one transaction. The tables are locked
 * first, so commands that would project meanwhile wait and then apply on top of the rebuilt rows;
 * readers see the old rows until the commit.
 */
export async function rebuildProjections(
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
): Promise<{ events: number; projections: string[] }> {
  const logger = new Logger('ProjectionRebuild');
  const tables = [...new Set(projections.flatMap((p) => p.tables))];
  return inTransaction(dataSource, async (tx) => {
    if (tables.length) await tx.execute(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    if (tables.length) await tx.execute(`TRUNCATE ${tables.join(', ')}`);
    let after = '0';
    let total = 0;
    for (;;) {
      const events = await store.readByPosition(tx, after, REBUILD_BATCH);
      if (events.length === 0) break;
      for (const p of projections) await p.apply(tx, events);
      after = events[events.length - 1].globalPosition;
      total += events.length;
    }
    logger.log({ events: total, projections: projections.map((p) => p.name) }, 'projections rebuilt');
    return { events: total, projections: projections.map((p) => p.name) };
  });
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
