import { Attachment } from '@kefu/tickets/domain';
import { CustomerRef, TransactionRef } from '@kefu/kernel';
import { DisputeActorRef, DisputeOutcome, DisputeParty, DisputeStatus } from './dispute.types';

export interface DisputeOpenedData {
  disputeId: string;
  ticketId: string;
  customer: CustomerRef;
  transaction: TransactionRef;
  reason: string;
  claimedAmount: number;
  openedBy: DisputeActorRef;
  customerEvidenceDueAt: string;
  at: string;
}

export type DisputeStatusChangeReason =
  'merchant_notified' | 'merchant_responded' | 'merchant_deadline_missed';

export interface DisputeStatusChangedData {
  disputeId: string;
  from: DisputeStatus;
  to: DisputeStatus;
  reason: DisputeStatusChangeReason;
  /** Set when entering awaiting_merchant. */
  merchantResponseDueAt?: string;
  /** Set when leaving awaiting_merchant. */
  merchantResponded?: boolean;
  at: string;
}

export interface DisputeEvidenceAddedData {
  disputeId: string;
  evidenceId: string;
  party: DisputeParty;
  kind: string;
  description: string;
  attachments: Attachment[];
  submittedBy: DisputeActorRef;
  at: string;
}

export interface DisputeDecidedData {
  disputeId: string;
  outcome: DisputeOutcome;
  awardedAmount: number;
  currency: string;
  rationale: string;
  decidedBy: DisputeActorRef;
  /** The refund created for the award (won, or settled with an amount). */
  refundId?: string;
  at: string;
}

export interface DisputeWithdrawnData {
  disputeId: string;
  reason?: string;
  by: DisputeActorRef;
  at: string;
}

export type DisputeEvent =
  | { type: 'DisputeOpened'; data: DisputeOpenedData }
  | { type: 'DisputeStatusChanged'; data: DisputeStatusChangedData }
  | { type: 'DisputeEvidenceAdded'; data: DisputeEvidenceAddedData }
  | { type: 'DisputeDecided'; data: DisputeDecidedData }
  | { type: 'DisputeWithdrawn'; data: DisputeWithdrawnData };
