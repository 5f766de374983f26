import { JobMeta, JobName, QueueName, StoredEvent, TimerJobRun, defineTimerJob, jobId } from '@kefu/platform';
import { DisputesService } from '../application/disputes.service';
import { DISPUTE_STREAM_TYPE } from '../domain/dispute.decider';
import { DisputeStatusChangedData } from '../domain/dispute.events';

export interface MerchantDeadlineJobData {
  disputeId: string;
  meta?: JobMeta;
}

/** The merchant's deadline, keyed by the DisputeStatusChanged that entered awaiting_merchant. */
function deadlineJob(disputeId: string, eventId: string, dueAt: string) {
  const data: MerchantDeadlineJobData = { disputeId };
  return {
    name: JobName.DisputeMerchantDeadline,
    jobId: jobId('dispute-merchant-deadline', eventId),
    data,
    runAt: new Date(dueAt),
  };
}

/** Entering awaiting_merchant becomes a delayed job due at the merchant's deadline. */
export function merchantDeadlineRoute(e: StoredEvent) {
  if (e.streamType !== DISPUTE_STREAM_TYPE || e.type !== 'DisputeStatusChanged') return undefined;
  const d = e.data as DisputeStatusChangedData;
  if (d.to !== 'awaiting_merchant' || !d.merchantResponseDueAt) return undefined;
  return deadlineJob(e.streamId, e.eventId, d.merchantResponseDueAt);
}

/**
 * Moves a dispute the merchant did not answer in time to review. After a Redis loss, every dispute
 * still awaiting the merchant gets its deadline job back.
 */
export const MerchantDeadlineJob = defineTimerJob({
  name: 'disputes.merchant-deadline',
  queue: QueueName.Disputes,
  inject: { disputes: DisputesService },
  route: () => merchantDeadlineRoute,
  async reconcile({ pages, add }) {
    for await (const rows of pages<{ stream_id: string; event_id: string; due: string }>({
      sql: `SELECT d.id AS stream_id, s.event_id, s.due
              FROM dispute_view d
              CROSS JOIN LATERAL (
                SELECT e.event_id, e.data->>'merchantResponseDueAt' AS due FROM es_events e
                 WHERE e.stream_id = d.id AND e.event_type = 'DisputeStatusChanged'
                   AND e.data->>'to' = 'awaiting_merchant'
                 ORDER BY e.stream_position DESC LIMIT 1) s
             WHERE d.status = 'awaiting_merchant' AND d.id > $1
             ORDER BY d.id LIMIT $2`,
      key: 'stream_id',
    }))
      await add(rows.map((r) => deadlineJob(r.stream_id, r.event_id, r.due)));
  },
  handle: {
    async [JobName.DisputeMerchantDeadline](
      { data, inbox, logger }: TimerJobRun<MerchantDeadlineJobData>,
      { disputes },
    ) {
      const moved = await disputes.merchantDeadline(data.disputeId, inbox);
      logger.log({ disputeId: data.disputeId, movedToReview: moved }, 'merchant deadline checked');
    },
  },
});
