// Dispute vocabulary (lower case, as REST spells it) and the dispute-specific refusals.
import { Actor, FieldViolation, RuleErrorCode } from '@kefu/tickets/domain/decider';

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

export class DisputeRuleError extends Error {
  constructor(
    readonly code: DisputeErrorCode,
    message: string,
    readonly errors: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'DisputeRuleError';
  }
}

export interface DisputeActorRef {
  kind: 'customer' | 'agent' | 'partner' | 'system';
  id: string;
  name?: string;
}

export function disputeActorOf(actor: Actor): DisputeActorRef {
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
