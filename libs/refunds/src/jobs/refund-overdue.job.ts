import { JobMeta, JobName, QueueName, StoredEvent, TimerJobRun, defineTimerJob, jobId } from '@kefu/platform';
import { RefundsService } from '../application/refunds.service';
import { REFUND_STREAM_TYPE } from '../domain/refund.decider';
import { RefundProcessingStartedData } from '../domain/refund.events';

export interface RefundOverdueJobData {
  refundId: string;
  meta?: JobMeta;
}

/** The refund's timer, due at its `expectedBy`, keyed by the RefundProcessingStarted event. */
function overdueJob(refundId: string, processingEventId: string, expectedBy: Date) {
  const data: RefundOverdueJobData = { refundId };
  return {
    name: JobName.RefundOverdue,
    jobId: jobId('refund-overdue', processingEventId),
    data,
    runAt: expectedBy,
  };
}

/** Each RefundProcessingStarted becomes a delayed job due at the refund's `expectedBy`. */
export function refundOverdueRoute(e: StoredEvent) {
  if (e.streamType !== REFUND_STREAM_TYPE || e.type !== 'RefundProcessingStarted') return undefined;
  const d = e.data as RefundProcessingStartedData;
  return overdueJob(e.streamId, e.eventId, new Date(d.expectedBy));
}

/**
 * Opens the follow-up of a refund not settled in time; a no-op once settled or already followed up.
 * After a Redis loss, every refund still processing and not yet overdue gets its timer back.
 */
export const RefundOverdueJob = defineTimerJob({
  name: 'refunds.overdue',
  queue: QueueName.Refunds,
  inject: { refunds: RefundsService },
  route: () => refundOverdueRoute,
  async reconcile({ pages, add }) {
    for await (const rows of pages<{ id: string; processing_event_id: string; expected_by: Date }>({
      sql: `SELECT id, processing_event_id, expected_by FROM refund_view
             WHERE status = 'processing' AND NOT overdue AND processing_event_id IS NOT NULL AND id > $1
             ORDER BY id LIMIT $2`,
      key: 'id',
    }))
      await add(rows.map((r) => overdueJob(r.id, r.processing_event_id, r.expected_by)));
  },
  handle: {
    async [JobName.RefundOverdue]({ data, inbox, logger }: TimerJobRun<RefundOverdueJobData>, { refunds }) {
      const acted = await refunds.handleOverdue(data.refundId, inbox);
      logger.log({ refundId: data.refundId, followUpOpened: acted }, 'refund overdue checked');
    },
  },
});
