import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { DISPUTE_STREAM_TYPE } from '../domain/dispute.decider';
import { DisputeEvent } from '../domain/dispute.events';

/** dispute_view (evidence inline as jsonb), from dispute events only; inline and rebuildable. */
@Injectable()
export class DisputeViewProjection implements Projection {
  readonly name = 'dispute-view';
  readonly tables = ['dispute_view'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== DISPUTE_STREAM_TYPE) continue;
      await this.applyOne(tx, s, { type: s.type, data: s.data } as DisputeEvent);
    }
  }

  private async applyOne(tx: Tx, s: StoredEvent, e: DisputeEvent): Promise<void> {
    const id = s.streamId;
    const v = s.streamPosition;
    const set = (at: string, sql: string, params: unknown[]) =>
      updateIfNewer(tx, 'dispute_view', id, v, at, sql, params);
    switch (e.type) {
      case 'DisputeOpened': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO dispute_view (id, ticket_id, customer_id, customer, transaction_id, "transaction", reason,
             claimed_amount, status, customer_evidence_due_at, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10, $11) ON CONFLICT (id) DO NOTHING`,
          [
            id,
            d.ticketId,
            d.customer.id,
            JSON.stringify(d.customer),
            d.transaction.id,
            JSON.stringify(d.transaction),
            d.reason,
            d.claimedAmount,
            d.customerEvidenceDueAt,
            d.at,
            v,
          ],
        );
        return;
      }
      case 'DisputeStatusChanged':
        return set(
          e.data.at,
          `status = $4,
           merchant_response_due_at = COALESCE($5::timestamptz, merchant_response_due_at),
           merchant_responded = COALESCE($6::boolean, merchant_responded)`,
          [e.data.to, e.data.merchantResponseDueAt ?? null, e.data.merchantResponded ?? null],
        );
      case 'DisputeEvidenceAdded':
        return set(e.data.at, `evidence = evidence || $4::jsonb`, [
          JSON.stringify([
            {
              id: e.data.evidenceId,
              party: e.data.party,
              kind: e.data.kind,
              description: e.data.description,
              attachments: e.data.attachments,
              submittedBy: e.data.submittedBy,
              submittedAt: e.data.at,
            },
          ]),
        ]);
      case 'DisputeDecided':
        return set(
          e.data.at,
          `status = $4, outcome = $4, awarded_amount = $5, rationale = $6, decided_by = $7, refund_id = $8`,
          [
            e.data.outcome,
            e.data.awardedAmount,
            e.data.rationale,
            JSON.stringify(e.data.decidedBy),
            e.data.refundId ?? null,
          ],
        );
      case 'DisputeWithdrawn':
        return set(e.data.at, `status = 'withdrawn'`, []);
      default:
        return ignore(e);
    }
  }
}

function ignore(_e: never): void {
  // Event types newer than this projection: nothing to show.
}
