import { PublicEventSource, SourceEvent } from '@kefu/platform';
import { REFUND_STREAM_TYPE } from '../domain/refund.decider';
import { RefundEvent } from '../domain/refund.events';
import { REFUND_EVENT_SCHEMAS } from '../domain/refund-event.schemas';

/**
 * refund.* webhooks (API.md). Payloads are built field by field; the customer appears by account id
 * only (name, email and phone stay private). The payments core (scope payments_core) receives these
 * for every ticket and pays out on refund.approved.
 */
export const refundEventSource: PublicEventSource = {
  streamType: REFUND_STREAM_TYPE,
  publicTypes: {
    RefundRequested: 'refund.requested',
    RefundApproved: 'refund.approved',
    RefundRejected: 'refund.rejected',
    RefundSucceeded: 'refund.succeeded',
    RefundFailed: 'refund.failed',
  },
  payloadSchemas: REFUND_EVENT_SCHEMAS,
  toPublic(event: SourceEvent, ticket) {
    const e = { type: event.type, data: event.data } as RefundEvent;
    const ticketRef = { id: ticket.id, number: ticket.number, externalRef: ticket.externalRef ?? null };
    switch (e.type) {
      case 'RefundRequested':
        return {
          refundId: e.data.refundId,
          ticket: ticketRef,
          disputeId: e.data.disputeId ?? null,
          customerId: e.data.customer.id,
          transaction: {
            id: e.data.transaction.id,
            amount: e.data.transaction.amount,
            currency: e.data.transaction.currency,
            occurredAt: e.data.transaction.occurredAt ?? null,
          },
          amount: e.data.amount,
          currency: e.data.currency,
          reason: e.data.reason,
          requiresSeniorApproval: e.data.requiresSeniorApproval,
        };
      case 'RefundApproved':
        return {
          refundId: e.data.refundId,
          ticket: ticketRef,
          customerId: e.data.customerId,
          transactionId: e.data.transactionId,
          amount: e.data.amount,
          currency: e.data.currency,
        };
      case 'RefundRejected':
        return {
          refundId: e.data.refundId,
          ticket: ticketRef,
          transactionId: e.data.transactionId,
          amount: e.data.amount,
          currency: e.data.currency,
          reason: e.data.reason,
        };
      case 'RefundSucceeded':
      case 'RefundFailed':
        return {
          refundId: e.data.refundId,
          ticket: ticketRef,
          transactionId: e.data.transactionId,
          amount: e.data.amount,
          currency: e.data.currency,
          reference: e.data.reference,
          ...(e.type === 'RefundFailed' ? { failureReason: e.data.failureReason ?? null } : {}),
        };
      default:
        return undefined;
    }
  },
};
