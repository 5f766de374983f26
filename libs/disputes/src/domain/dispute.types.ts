// Dispute vocabulary (lower case, as REST spells it) and the dispute-specific refusals.
import { PartyRef, RuleError, RuleErrorCode, partyOf } from '@kefu/kernel';

export const DISPUTE_STATUSES = [
  'open',
  'awaiting_merchant',
  'under_review',
  'won',
  'lost',
  'withdrawn',
  'settled',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Still being worked: evidence, decision and withdrawal are possible; holds the transaction's slot. */
export const ACTIVE_DISPUTE_STATUSES = [
  'open',
  'awaiting_merchant',
  'under_review',
] as const satisfies readonly DisputeStatus[];

export const DISPUTE_OUTCOMES = ['won', 'lost', 'settled'] as const satisfies readonly DisputeStatus[];
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export const DISPUTE_PARTIES = ['customer', 'merchant', 'agent'] as const;
export type DisputeParty = (typeof DISPUTE_PARTIES)[number];

/** DOMAIN.md: decided by a senior agent; supervisors do everything. Admins are operators, not deciders. */
export const DECIDER_ROLES = ['senior_agent', 'supervisor'] as const;

export type DisputeErrorCode = RuleErrorCode | 'dispute_already_open' | 'evidence_window_closed';

/** A dispute rule's refusal: the kernel's RuleError with the two dispute codes of API.md. */
export class DisputeRuleError extends RuleError<DisputeErrorCode> {}

/** How a dispute's people appear (openedBy, evidence submittedBy, decidedBy). */
export type DisputeActorRef = PartyRef;
export const disputeActorOf = partyOf;
