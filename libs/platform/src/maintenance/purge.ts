import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { inTransaction } from '../event-store/tx';

export interface PurgeResult {
  idempotencyKeys: number;
  inboxRows: number;
}

const BATCH = 5000;

/**
 * Housekeeping of the two tables that only grow: idempotency keys past their expiry (API.md keeps
 * them at least 24 hours; they are reclaimable after `expires_at` anyway) and job-inbox rows older
 * than the retention (a job redelivered after that still re-checks state before appending). Deletes
 * in small batches so no long lock is held; several workers may run it, the advisory lock makes one
 * of them do it.
 */
@Injectable()
export class PurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PurgeService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.purgeIntervalSeconds <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.purgeOnce()
        .catch((e: unknown) => this.logger.error({ err: e }, 'purge failed'))
        .finally(() => (this.running = undefined));
    }, this.config.purgeIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns what it deleted (0/0 when another worker holds the lock). */
  async purgeOnce(now: Date = new Date()): Promise<PurgeResult> {
    const result: PurgeResult = { idempotencyKeys: 0, inboxRows: 0 };
    const inboxBefore = new Date(now.getTime() - this.config.inboxRetentionDays * 86_400_000);
    for (;;) {
      const deleted = await inTransaction(this.dataSource, async (tx) => {
        const lock = await tx.one<{ ok: boolean }>(
          `SELECT pg_try_advisory_xact_lock(hashtext('kefu-purge')) AS ok`,
        );
        if (!lock?.ok) return undefined;
        const keys = await tx.execute(
          `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM idempotency_keys WHERE expires_at < $1 LIMIT ${BATCH}))`,
          [now],
        );
        const inbox = await tx.execute(
          `DELETE FROM es_inbox WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM es_inbox WHERE processed_at < $1 LIMIT ${BATCH}))`,
          [inboxBefore],
        );
        return { keys, inbox };
      });
      if (!deleted) return result;
      result.idempotencyKeys += deleted.keys;
      result.inboxRows += deleted.inbox;
      if (deleted.keys < BATCH && deleted.inbox < BATCH) break;
    }
    if (result.idempotencyKeys || result.inboxRows) this.logger.log(result, 'purged');
    return result;
  }
}

@Module({ providers: [PurgeService], exports: [PurgeService] })
export class MaintenanceModule {}
