import { RequestContext, Tx } from '@kefu/platform';
import { DeliveryJobRequest, WebhookQueue } from '../infrastructure/webhook-queue';

/**
 * Puts deliveries back to pending with a fresh job each (redelivery, re-enabling). Their history
 * (attempts, last status) stays; the retry window starts again at the next attempt. The jobs are
 * added before the caller's transaction commits; a job that runs before the commit sees an older
 * requeue_count and retries until it can see its own.
 */
export async function requeueDeliveries(
  tx: Tx,
  queue: WebhookQueue,
  ids: string[],
): Promise<DeliveryJobRequest[]> {
  if (ids.length === 0) return [];
  const rows = await tx.rows<{ id: string; event_id: string; endpoint_id: string; requeue_count: number }>(
    `SELECT id, event_id, endpoint_id, requeue_count + 1 AS requeue_count FROM webhook_deliveries
      WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const jobs: DeliveryJobRequest[] = rows.map((r) => ({
    deliveryId: r.id,
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    requeue: r.requeue_count,
    meta: { correlationId: RequestContext.correlationId() },
  }));
  await tx.execute(
    `UPDATE webhook_deliveries d
        SET status = 'pending', requeue_count = j.requeue, first_attempt_at = NULL,
            next_attempt_at = now(), updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS j(id, requeue)
      WHERE d.id = j.id`,
    [jobs.map((j) => j.deliveryId), jobs.map((j) => j.requeue)],
  );
  for (let i = 0; i < jobs.length; i += 500) await queue.enqueue(jobs.slice(i, i + 500));
  return jobs;
}
