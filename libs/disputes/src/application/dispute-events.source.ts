import { PublicEventSource, SourceEvent } from '@kefu/platform';
import { DISPUTE_STREAM_TYPE } from '../domain/dispute.decider';
import { DisputeEvent } from '../domain/dispute.events';
import { DISPUTE_EVENT_SCHEMAS } from '../domain/dispute-event.schemas';

/**
 * dispute.* webhooks (API.md), to the partner whose channel brought the ticket in. Payloads are built
 * field by field: the customer by account id only, evidence by party and kind (its text and files
 * stay in Kefu; partners read them with GET /v1/disputes/:id).
 */
export const disputeEventSource: PublicEventSource = {
  streamType: DISPUTE_STREAM_TYPE,
  publicTypes: {
    DisputeOpened: 'dispute.opened',
    DisputeEvidenceAdded: 'dispute.evidence_added',
    DisputeStatusChanged: 'dispute.status_changed',
    DisputeWithdrawn: 'dispute.status_changed',
    DisputeDecided: 'dispute.decided',
  },
  payloadSchemas: DISPUTE_EVENT_SCHEMAS,
  toPublic(event: SourceEvent, ticket) {
    const e = { type: event.type, data: event.data } as DisputeEvent;
    const base = {
      disputeId: e.data.disputeId,
      ticket: { id: ticket.id, number: ticket.number, externalRef: ticket.externalRef ?? null },
    };
    switch (e.type) {
      case 'DisputeOpened':
        return {
          ...base,
          customerId: e.data.customer.id,
          transaction: {
            id: e.data.transaction.id,
            amount: e.data.transaction.amount,
            currency: e.data.transaction.currency,
            merchantId: e.data.transaction.merchantId ?? null,
            occurredAt: e.data.transaction.occurredAt ?? null,
          },
          reason: e.data.reason,
          claimedAmount: e.data.claimedAmount,
        };
      case 'DisputeEvidenceAdded':
        return { ...base, evidenceId: e.data.evidenceId, party: e.data.party, kind: e.data.kind };
      case 'DisputeStatusChanged':
        return {
          ...base,
          from: e.data.from,
          to: e.data.to,
          reason: e.data.reason,
          merchantResponseDueAt: e.data.merchantResponseDueAt ?? null,
          merchantResponded: e.data.merchantResponded ?? null,
        };
      case 'DisputeWithdrawn':
        return { ...base, to: 'withdrawn', reason: 'withdrawn' };
      case 'DisputeDecided':
        return {
          ...base,
          outcome: e.data.outcome,
          awardedAmount: e.data.awardedAmount,
          currency: e.data.currency,
          rationale: e.data.rationale,
          refundId: e.data.refundId ?? null,
        };
      default:
        return undefined;
    }
  },
};
