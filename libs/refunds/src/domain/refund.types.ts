// Refund vocabulary (lower case, as REST spells it) and the refund-specific refusals.
import { Actor, FieldViolation, RuleErrorCode } from '@kefu/tickets/domain/decider';

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

/** A money rule's refusal: the two API.md codes the generic DomainRuleError has no room for. */
export class RefundRuleError extends Error {
  constructor(
    readonly code: RefundErrorCode,
    message: string,
    readonly errors: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'RefundRuleError';
  }
}

/** How a refund's people appear (requestedBy / approvedBy). */
export interface RefundAuthor {
  kind: 'customer' | 'agent' | 'partner' | 'system';
  id: string;
  name?: string;
}

export function refundAuthorOf(actor: Actor): RefundAuthor {
  const name = actor.name === undefined ? {} : { name: actor.name };
  switch (actor.role) {
    case 'customer':
      return { kind: 'customer', id: actor.customerId ?? actor.id, ...name };
    case 'partner':
      return { kind: 'partner', id: actor.id, ...name };
    case 'system':
      return { kind: 'system', id: actor.id, ...name };
    default:
      return { kind: 'agent', id: actor.id, ...name };
  }
}
