import { Attachment } from '@kefu/tickets/domain';
import { CustomerRef, TransactionRef } from '@kefu/kernel';
import { DisputeActorRef, DisputeOutcome, DisputeParty, DisputeStatus } from '../domain/dispute.types';

export interface EvidenceView {
  id: string;
  party: DisputeParty;
  kind: string;
  description: string;
  attachments: Attachment[];
  submittedBy: DisputeActorRef;
  submittedAt: string;
}

export interface DisputeView {
  id: string;
  ticketId: string;
  status: DisputeStatus;
  customer: CustomerRef;
  transaction: TransactionRef;
  reason: string;
  claimedAmount: number;
  awardedAmount: number | null;
  merchantResponseDueAt: string | null;
  customerEvidenceDueAt: string | null;
  merchantResponded: boolean;
  evidence: EvidenceView[];
  outcome: DisputeOutcome | null;
  rationale: string | null;
  decidedBy: DisputeActorRef | null;
  refundId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DisputeRow {
  id: string;
  ticket_id: string;
  status: DisputeStatus;
  customer: CustomerRef;
  transaction: TransactionRef;
  reason: string;
  claimed_amount: string | number;
  awarded_amount: string | number | null;
  merchant_response_due_at: Date | null;
  customer_evidence_due_at: Date | null;
  merchant_responded: boolean;
  evidence: EvidenceView[];
  outcome: DisputeOutcome | null;
  rationale: string | null;
  decided_by: DisputeActorRef | null;
  refund_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDisputeView(r: DisputeRow): DisputeView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    status: r.status,
    customer: r.customer,
    transaction: r.transaction,
    reason: r.reason,
    claimedAmount: Number(r.claimed_amount),
    awardedAmount: r.awarded_amount === null ? null : Number(r.awarded_amount),
    merchantResponseDueAt: iso(r.merchant_response_due_at),
    customerEvidenceDueAt: iso(r.customer_evidence_due_at),
    merchantResponded: r.merchant_responded,
    evidence: r.evidence,
    outcome: r.outcome,
    rationale: r.rationale,
    decidedBy: r.decided_by,
    refundId: r.refund_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}
