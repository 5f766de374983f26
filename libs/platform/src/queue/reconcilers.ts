import { Injectable, Logger } from '@nestjs/common';

/**
 * Postgres is the source of truth; Redis holds only work in flight. A reconciler re-derives the
 * jobs that should exist (timers, pending deliveries) from the log and read models and adds them
 * with their deterministic ids: BullMQ ignores ids it still has, so running it any time is safe,
 * and after Redis was wiped it brings every pending job back.
 */
export interface JobReconciler {
  readonly name: string;
  /** Returns how many jobs it (re-)submitted. */
  reconcile(): Promise<number>;
}

@Injectable()
export class ReconcilerRegistry {
  private readonly logger = new Logger('Reconcile');
  private readonly reconcilers: JobReconciler[] = [];

  register(r: JobReconciler): void {
    if (this.reconcilers.some((x) => x.name === r.name))
      throw new Error(`reconciler ${r.name} registered twice`);
    this.reconcilers.push(r);
  }

  list(): readonly JobReconciler[] {
    return this.reconcilers;
  }

  /** Runs every reconciler; one failing does not stop the others. */
  async runAll(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.reconcilers) {
      try {
        out[r.name] = await r.reconcile();
      } catch (e) {
        out[r.name] = -1;
        this.logger.error(
          { reconciler: r.name, err: (e as Error).message },
          'reconcile failed; next run retries',
        );
      }
    }
    this.logger.log({ submitted: out }, 'jobs reconciled from Postgres');
    return out;
  }
}
