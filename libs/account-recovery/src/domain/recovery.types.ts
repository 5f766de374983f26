// Account recovery (DOMAIN.md): kinds, statuses, who may do what, and the ticket each kind opens.
// Plain TypeScript: actors, roles and the rule error are the kernel's (@kefu/kernel).
import { Actor, ActorRole, RuleError, RuleErrorCode } from '@kefu/kernel';

export const RECOVERY_KINDS = ['locked', 'stolen', 'password_reset'] as const;
export type RecoveryKind = (typeof RECOVERY_KINDS)[number];

export const RECOVERY_STATUSES = [
  'open',
  'awaiting_verification',
  'verification_submitted',
  'verified',
  'restored',
  'closed',
  'rejected',
  'locked_out',
] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/** The ticket a case opens: `stolen` is an urgent account_stolen ticket. */
export const TICKET_FOR_KIND = {
  locked: { category: 'account_locked', priority: 'high', subject: 'Account recovery: account locked' },
  stolen: { category: 'account_stolen', priority: 'urgent', subject: 'Account recovery: account stolen' },
  password_reset: {
    category: 'password_reset',
    priority: 'normal',
    subject: 'Account recovery: password reset',
  },
} as const satisfies Record<RecoveryKind, { category: string; priority: string; subject: string }>;

/** Who did something, as recorded in events (provenance of freezes, reviews, restores). */
export interface ActorRef {
  kind: 'customer' | 'agent' | 'partner' | 'system';
  id: string;
  role: ActorRole;
}

export function refOf(actor: Actor): ActorRef {
  const kind =
    actor.role === 'customer'
      ? 'customer'
      : actor.role === 'partner'
        ? 'partner'
        : actor.role === 'system'
          ? 'system'
          : 'agent';
  return {
    kind,
    id: actor.role === 'customer' ? (actor.customerId ?? actor.id) : actor.id,
    role: actor.role,
  };
}

/** Identity review and restoring an account need a senior agent or a supervisor (DOMAIN.md). */
export const REVIEWER_ROLES = ['senior_agent', 'supervisor'] as const satisfies readonly ActorRole[];
export interface RecoveryPolicy {
  /** Failed verifications before the case locks (DOMAIN.md: 3). */
  maxFailedVerifications: number;
  /** How long a lock-out lasts (DOMAIN.md: 24 hours). */
  lockoutSeconds: number;
}

export const DEFAULT_RECOVERY_POLICY: RecoveryPolicy = {
  maxFailedVerifications: 3,
  lockoutSeconds: 24 * 3600,
};

/** A refused command (the kernel's RuleError; `rate_limited` carries Retry-After); thrown before anything is emitted. */
export class RecoveryRuleError extends RuleError<RuleErrorCode> {}
