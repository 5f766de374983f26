import { CustomerRef, TransactionRef } from '@kefu/kernel';
import { RefundAuthor, RefundStatus } from '../domain/refund.types';

/** A refund as the read model holds it; REST and GraphQL map from this. */
export interface RefundView {
  id: string;
  ticketId: string;
  disputeId: string | null;
  status: RefundStatus;
  customer: CustomerRef;
  transaction: TransactionRef;
  amount: number;
  currency: string;
  reason: string;
  requiresSeniorApproval: boolean;
  requestedBy: RefundAuthor;
  approvedBy: RefundAuthor | null;
  expectedBy: string | null;
  payoutReference: string | null;
  failureReason: string | null;
  overdue: boolean;
  followUpTicketId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RefundRow {
  id: string;
  ticket_id: string;
  dispute_id: string | null;
  status: RefundStatus;
  customer: CustomerRef;
  transaction: TransactionRef;
  amount: string | number;
  currency: string;
  reason: string;
  requires_senior_approval: boolean;
  requested_by: RefundAuthor;
  approved_by: RefundAuthor | null;
  expected_by: Date | null;
  payout_reference: string | null;
  failure_reason: string | null;
  overdue: boolean;
  follow_up_ticket_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export function toRefundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    disputeId: r.dispute_id,
    status: r.status,
    customer: r.customer,
    transaction: r.transaction,
    amount: Number(r.amount),
    currency: r.currency,
    reason: r.reason,
    requiresSeniorApproval: r.requires_senior_approval,
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    expectedBy: r.expected_by ? r.expected_by.toISOString() : null,
    payoutReference: r.payout_reference,
    failureReason: r.failure_reason,
    overdue: r.overdue,
    followUpTicketId: r.follow_up_ticket_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}
