// Refund vocabulary (lower case, as REST spells it) and the refund-specific refusals.
import { PartyRef, RuleError, RuleErrorCode, partyOf } from '@kefu/kernel';

export const REFUND_STATUSES = [
  'requested',
  'under_review',
  'approved',
  'processing',
  'succeeded',
  'failed',
  'rejected',
  'canceled',
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Statuses whose amount no longer counts against the transaction (the cap releases it). */
export const RELEASED_STATUSES = [
  'failed',
  'rejected',
  'canceled',
] as const satisfies readonly RefundStatus[];

/** Before approval: still reviewable, rejectable and cancelable. */
export const OPEN_STATUSES = ['requested', 'under_review'] as const satisfies readonly RefundStatus[];

export const PAYOUT_RESULTS = ['succeeded', 'failed'] as const;
export type PayoutResult = (typeof PAYOUT_RESULTS)[number];

/** Who may approve any refund (below the senior threshold). */
export const APPROVER_ROLES = ['agent', 'senior_agent', 'supervisor', 'admin'] as const;
/** Who may approve above the threshold (DOMAIN.md: a senior agent; supervisors do everything). */
export const SENIOR_ROLES = ['senior_agent', 'supervisor'] as const;

export type RefundErrorCode = RuleErrorCode | 'refund_window_expired' | 'refund_exceeds_transaction';

/** A money rule's refusal: the kernel's RuleError with the two refund codes of API.md. */
export class RefundRuleError extends RuleError<RefundErrorCode> {}

/** How a refund's people appear (requestedBy / approvedBy). */
export type RefundAuthor = PartyRef;
export const refundAuthorOf = partyOf;
