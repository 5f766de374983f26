import { CustomerRef, TransactionRef } from '@kefu/kernel';
import { PayoutResult, RefundAuthor } from './refund.types';

export interface RefundRequestedData {
  refundId: string;
  ticketId: string;
  /** Set when a won or settled dispute created the refund. */
  disputeId?: string;
  customer: CustomerRef;
  transaction: TransactionRef;
  amount: number;
  currency: string;
  reason: string;
  requestedBy: RefundAuthor;
  requiresSeniorApproval: boolean;
  at: string;
}

export interface RefundReviewStartedData {
  by: RefundAuthor;
  at: string;
}

/** What partners (the payments core) need to act on an event without reading the refund. */
export interface RefundSummary {
  refundId: string;
  ticketId: string;
  customerId: string;
  transactionId: string;
  amount: number;
  currency: string;
}

export interface RefundApprovedData extends RefundSummary {
  approvedBy: RefundAuthor;
  at: string;
}

/** Handed to the payments core (refund.approved): the payout is promised by `expectedBy`. */
export interface RefundProcessingStartedData {
  expectedBy: string;
  at: string;
}

export interface RefundRejectedData extends RefundSummary {
  reason: string;
  by: RefundAuthor;
  at: string;
}

export interface RefundCanceledData {
  reason?: string;
  by: RefundAuthor;
  at: string;
}

export interface RefundSettledData extends RefundSummary {
  status: PayoutResult;
  reference: string;
  failureReason?: string;
  at: string;
}

export interface RefundOverdueData {
  expectedBy: string;
  followUpTicketId: string;
  at: string;
}

export type RefundEvent =
  | { type: 'RefundRequested'; data: RefundRequestedData }
  | { type: 'RefundReviewStarted'; data: RefundReviewStartedData }
  | { type: 'RefundApproved'; data: RefundApprovedData }
  | { type: 'RefundProcessingStarted'; data: RefundProcessingStartedData }
  | { type: 'RefundRejected'; data: RefundRejectedData }
  | { type: 'RefundCanceled'; data: RefundCanceledData }
  | { type: 'RefundSucceeded'; data: RefundSettledData }
  | { type: 'RefundFailed'; data: RefundSettledData }
  | { type: 'RefundOverdue'; data: RefundOverdueData };

export type RefundEventType = RefundEvent['type'];
