import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobReconciler, ReconcilerRegistry } from '@kefu/platform';
import { WebhookQueue } from '../infrastructure/webhook-queue';

/**
 * After Redis lost its jobs: every pending delivery gets its current job back (same id, so a job
 * Redis still has is left alone). Held and finished deliveries need no job.
 */
@Injectable()
export class PendingDeliveriesReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'webhooks.pending-deliveries';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    private readonly queue: WebhookQueue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    for (;;) {
      const rows = (await this.ds.query(
        `SELECT id, event_id, endpoint_id, requeue_count FROM webhook_deliveries
          WHERE status = 'pending' AND id > $1 ORDER BY id LIMIT 500`,
        [after],
      )) as Array<{ id: string; event_id: string; endpoint_id: string; requeue_count: number }>;
      if (rows.length === 0) return total;
      await this.queue.enqueue(
        rows.map((r) => ({
          deliveryId: r.id,
          eventId: r.event_id,
          endpointId: r.endpoint_id,
          requeue: r.requeue_count,
        })),
      );
      total += rows.length;
      after = rows[rows.length - 1].id;
    }
  }
}
