import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import { Tx, inTransaction, preparedSql } from './tx';
import { LOG_START, LogCursor, StoredEvent, cursorOf } from './types';

/** A projector or dispatcher: gets batches of the global log, in order, each exactly once per commit. */
export interface EventConsumer {
  /** Unique and stable: it names the checkpoint. */
  readonly name: string;
  readonly batchSize?: number;
  /**
   * Where a consumer without a checkpoint starts: the beginning of the log (default: projectors,
   * webhooks), or its current end (ephemeral notices that must not replay history on first deploy).
   */
  readonly startAt?: 'beginning' | 'end';
  /**
   * Applies a batch inside the transaction that moves the checkpoint. Throwing rolls both back;
   * the batch is retried (with backoff), never skipped.
   */
  handle(events: StoredEvent[], tx: Tx): Promise<void>;
}

export interface BatchResult {
  /** false when another instance holds this consumer's lock. */
  ran: boolean;
  read: number;
  cursor?: LogCursor;
}

// Every consumer batch runs these: prepared once per connection.
const CHECKPOINT_SQL = preparedSql(
  'es_checkpoint_of',
  `SELECT transaction_id::text AS t, global_position::text AS p FROM es_checkpoints WHERE consumer = $1`,
);
const TRY_LOCK = preparedSql('es_consumer_try_lock', `SELECT pg_try_advisory_xact_lock($1, $2) AS ok`);
const MOVE_CHECKPOINT = preparedSql(
  'es_checkpoint_move',
  `UPDATE es_checkpoints SET transaction_id = $2::xid8, global_position = $3, updated_at = now()
    WHERE consumer = $1 AND transaction_id = $4::xid8 AND global_position = $5`,
);

interface CheckpointRow {
  t: string;
  p: string;
}

function lockKeys(name: string): [number, number] {
  const h = createHash('sha256').update(`kefu-consumer:${name}`).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

/**
 * Drives one consumer: single-active across processes (transaction-scoped advisory lock), batch =
 * read → handle → compare-and-set checkpoint → commit. Use runBatch() from tests and the CLI,
 * start()/stop() in the worker.
 */
export class ConsumerRunner {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private failures = 0;
  private wake?: () => void;
  private checkpointEnsured = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    readonly consumer: EventConsumer,
    private readonly opts: { pollMs?: number; maxBackoffMs?: number } = {},
  ) {
    this.logger = new Logger(`Consumer:${consumer.name}`);
  }

  async ensureCheckpoint(): Promise<void> {
    if (this.consumer.startAt === 'end') {
      // The last event every snapshot agrees is committed: anything committing later sorts after it.
      await this.dataSource.query(
        `INSERT INTO es_checkpoints (consumer, transaction_id, global_position)
         SELECT $1, coalesce(l.t, '0'::xid8), coalesce(l.p, 0)
           FROM (SELECT 1) AS one
           LEFT JOIN LATERAL (
             SELECT e.transaction_id AS t, e.global_position AS p FROM es_events e
              WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1) AS l ON true
         ON CONFLICT DO NOTHING`,
        [this.consumer.name],
      );
    } else {
      await this.dataSource.query(
        `INSERT INTO es_checkpoints (consumer) VALUES ($1) ON CONFLICT DO NOTHING`,
        [this.consumer.name],
      );
    }
    this.checkpointEnsured = true;
  }

  /** The stored checkpoint; LOG_START when there is none yet. */
  async checkpoint(): Promise<LogCursor> {
    const rows = (await this.dataSource.query(CHECKPOINT_SQL.text, [this.consumer.name])) as CheckpointRow[];
    return rows[0] ? { transactionId: rows[0].t, globalPosition: rows[0].p } : { ...LOG_START };
  }

  async runBatch(): Promise<BatchResult> {
    // The checkpoint row is created once per runner, not on every poll; a row removed meanwhile
    // (a reset) is re-created and the batch retried.
    for (;;) {
      if (!this.checkpointEnsured) await this.ensureCheckpoint();
      const r = await this.tryBatch();
      if (r) return r;
      this.checkpointEnsured = false;
    }
  }

  /** One batch; undefined when the checkpoint row is missing. */
  private tryBatch(): Promise<BatchResult | undefined> {
    const [k1, k2] = lockKeys(this.consumer.name);
    return inTransaction(this.dataSource, async (tx) => {
      const lock = await tx.one<{ ok: boolean }>(TRY_LOCK, [k1, k2]);
      if (!lock?.ok) return { ran: false, read: 0 };
      const cp = await tx.one<CheckpointRow>(CHECKPOINT_SQL, [this.consumer.name]);
      if (!cp) return undefined;
      const from: LogCursor = { transactionId: cp.t, globalPosition: cp.p };
      // Read before the transaction's first write (see EventStore.readAll).
      const events = await this.store.readAll(tx, from, { limit: this.consumer.batchSize ?? 200 });
      if (events.length === 0) return { ran: true, read: 0, cursor: from };
      await this.consumer.handle(events, tx);
      const to = cursorOf(events[events.length - 1]);
      const moved = await tx.execute(MOVE_CHECKPOINT, [
        this.consumer.name,
        to.transactionId,
        to.globalPosition,
        from.transactionId,
        from.globalPosition,
      ]);
      if (moved !== 1)
        throw new Error(`checkpoint of ${this.consumer.name} moved meanwhile; batch rolled back`);
      return { ran: true, read: events.length, cursor: to };
    });
  }

  /** Runs batches until the log is drained (or the lock is elsewhere). Returns events handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.runBatch();
      total += r.read;
      if (!r.ran || r.read === 0) return total;
    }
  }

  /**
   * Runs batches until the checkpoint reaches `position` (by default the log's last event now).
   * drain() alone can stop short of it: the global log serves only transactions below the cluster's
   * xmin horizon, which a transaction open anywhere on the server (another database too) holds back.
   */
  async catchUp(position?: string, timeoutMs = 60_000): Promise<void> {
    const target =
      position ??
      (
        (await this.dataSource.query(
          `SELECT coalesce(max(global_position), 0)::text AS last FROM es_events`,
        )) as Array<{ last: string }>
      )[0].last;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      if (BigInt((await this.checkpoint()).globalPosition) >= BigInt(target)) return;
      if (Date.now() > deadline)
        throw new Error(`consumer ${this.consumer.name} did not reach position ${target} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Wakes the loop now (a Redis nudge after an append). */
  nudge(): void {
    if (this.wake) this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const tick = (): void => {
      this.wake = undefined;
      this.timer = undefined;
      this.running = this.loop().finally(() => (this.running = undefined));
    };
    this.timer = setTimeout(tick, delayMs);
    this.wake = () => {
      if (this.timer) {
        clearTimeout(this.timer);
        tick();
      }
    };
  }

  private async loop(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 500;
    try {
      while (!this.stopped) {
        const r = await this.runBatch();
        if (!r.ran || r.read === 0) break;
      }
      this.failures = 0;
      this.schedule(pollMs);
    } catch (e) {
      this.failures += 1;
      const backoff = Math.min(pollMs * 2 ** this.failures, this.opts.maxBackoffMs ?? 30_000);
      this.logger.error(
        { err: e, attempt: this.failures, retryInMs: backoff },
        'batch failed; will retry the same batch',
      );
      this.schedule(backoff);
    }
  }
}
