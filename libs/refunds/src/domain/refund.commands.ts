import { Command, CustomerRef, TransactionRef } from '@kefu/kernel';
import { PayoutResult } from './refund.types';

export interface RequestRefundData {
  refundId: string;
  ticketId: string;
  /** Required, except for a customer actor: then it defaults to (and must be) the actor's account. */
  customer?: CustomerRef;
  transaction: TransactionRef;
  amount: number;
  reason: string;
  /** A dispute's award: no refund window (the dispute was opened in time), no occurredAt needed. */
  disputeId?: string;
  /** Configuration, passed in so that the decider stays pure. */
  policy: { windowDays: number; seniorApprovalAmount: number };
}

export type RequestRefund = Command<'RequestRefund', RequestRefundData>;
export type StartRefundReview = Command<'StartRefundReview', Record<string, never>>;
export type ApproveRefund = Command<'ApproveRefund', { processingSeconds: number }>;
export type RejectRefund = Command<'RejectRefund', { reason: string }>;
export type CancelRefund = Command<'CancelRefund', { reason?: string }>;
export type RecordPayoutResult = Command<
  'RecordPayoutResult',
  { status: PayoutResult; reference: string; failureReason?: string }
>;
export type MarkRefundOverdue = Command<'MarkRefundOverdue', { followUpTicketId: string }>;

export type RefundCommand =
  | RequestRefund
  | StartRefundReview
  | ApproveRefund
  | RejectRefund
  | CancelRefund
  | RecordPayoutResult
  | MarkRefundOverdue;
