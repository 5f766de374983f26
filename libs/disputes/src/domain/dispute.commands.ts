import { Command, CustomerRef, TransactionRef } from '@kefu/kernel';
import { Attachment } from '@kefu/tickets/domain';
import { DisputeOutcome, DisputeParty } from './dispute.types';

export interface OpenDisputeData {
  disputeId: string;
  ticketId: string;
  /** Required, except for a customer actor: then it defaults to (and must be) the actor's account. */
  customer?: CustomerRef;
  transaction: TransactionRef;
  reason: string;
  claimedAmount: number;
  policy: { merchantResponseSeconds: number; customerEvidenceSeconds: number };
}

export interface SubmitEvidenceData {
  evidenceId: string;
  party: DisputeParty;
  kind: string;
  description: string;
  attachments?: Attachment[];
}

export interface DecideDisputeData {
  outcome: DisputeOutcome;
  /** Won: default the claimed amount. Lost: none. Settled: the agreed amount, if any. */
  awardedAmount?: number;
  rationale: string;
  /** Allocated by the application: the refund the award creates. */
  refundId: string;
}

export type OpenDispute = Command<'OpenDispute', OpenDisputeData>;
export type SubmitDisputeEvidence = Command<'SubmitDisputeEvidence', SubmitEvidenceData>;
export type MerchantDeadlinePassed = Command<'MerchantDeadlinePassed', Record<string, never>>;
export type DecideDispute = Command<'DecideDispute', DecideDisputeData>;
export type WithdrawDispute = Command<'WithdrawDispute', { reason?: string }>;

export type DisputeCommand =
  OpenDispute | SubmitDisputeEvidence | MerchantDeadlinePassed | DecideDispute | WithdrawDispute;
