import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { REFUND_STREAM_TYPE } from '../domain/refund.decider';
import { RefundEvent } from '../domain/refund.events';

/**
 * refund_view, from refund events only: inline in the command's transaction (read-your-writes) and
 * replayed by `projections rebuild`. Rows carry their stream version, so a replayed event changes nothing.
 */
@Injectable()
export class RefundViewProjection implements Projection {
  readonly name = 'refund-view';
  readonly tables = ['refund_view'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== REFUND_STREAM_TYPE) continue;
      await this.applyOne(tx, s, { type: s.type, data: s.data } as RefundEvent);
    }
  }

  private async applyOne(tx: Tx, s: StoredEvent, e: RefundEvent): Promise<void> {
    const id = s.streamId;
    const v = s.streamPosition;
    const set = (at: string, sql: string, params: unknown[]) =>
      updateIfNewer(tx, 'refund_view', id, v, at, sql, params);
    switch (e.type) {
      case 'RefundRequested': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO refund_view (id, ticket_id, dispute_id, customer_id, customer, transaction_id, "transaction",
             amount, currency, reason, status, requires_senior_approval, requested_by, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'requested', $11, $12, $13, $13, $14)
           ON CONFLICT (id) DO NOTHING`,
          [
            id,
            d.ticketId,
            d.disputeId ?? null,
            d.customer.id,
            JSON.stringify(d.customer),
            d.transaction.id,
            JSON.stringify(d.transaction),
            d.amount,
            d.currency,
            d.reason,
            d.requiresSeniorApproval,
            JSON.stringify(d.requestedBy),
            d.at,
            v,
          ],
        );
        return;
      }
      case 'RefundReviewStarted':
        return set(e.data.at, `status = 'under_review'`, []);
      case 'RefundApproved':
        return set(e.data.at, `status = 'approved', approved_by = $4`, [JSON.stringify(e.data.approvedBy)]);
      case 'RefundProcessingStarted':
        return set(e.data.at, `status = 'processing', expected_by = $4, processing_event_id = $5`, [
          e.data.expectedBy,
          s.eventId,
        ]);
      case 'RefundRejected':
        return set(e.data.at, `status = 'rejected'`, []);
      case 'RefundCanceled':
        return set(e.data.at, `status = 'canceled'`, []);
      case 'RefundSucceeded':
        return set(e.data.at, `status = 'succeeded', payout_reference = $4`, [e.data.reference]);
      case 'RefundFailed':
        return set(e.data.at, `status = 'failed', payout_reference = $4, failure_reason = $5`, [
          e.data.reference,
          e.data.failureReason ?? null,
        ]);
      case 'RefundOverdue':
        return set(e.data.at, `overdue = true, follow_up_ticket_id = $4`, [e.data.followUpTicketId]);
      default:
        return ignore(e);
    }
  }
}

function ignore(_e: never): void {
  // Event types newer than this projection: nothing to show.
}
