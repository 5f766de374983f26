// Ticket vocabulary in the lower-case spelling REST uses; GraphQL enums are the same values upper-cased.
// Category, priority, channel, tier, customer and transaction are the kernel's: import @kefu/kernel.
import { Category, Priority, TIERS, Tier } from '@kefu/kernel';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** What SetTicketStatus accepts: `new` is only where tickets start, `closed` only the worker sets. */
export const SETTABLE_STATUSES = [
  'open',
  'pending',
  'on_hold',
  'solved',
] as const satisfies readonly TicketStatus[];
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export const VISIBILITIES = ['public', 'internal'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const AUTHOR_KINDS = ['customer', 'agent', 'system', 'partner'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

export const ESCALATION_TRIGGERS = [
  'sla_breach',
  'agent',
  'customer_request',
  'dispute_amount',
  'reopened',
  'low_survey_score',
  'complaint',
  // A refund not settled by its promised date (DOMAIN.md, Refunds): its follow-up ticket escalates.
  'refund_overdue',
] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

/** Why a status changed: an agent set it, a reply moved it, a worker closed it, a job set it. */
export type StatusChangeReason = 'agent' | 'agent_replied' | 'customer_replied' | 'system' | 'auto_close';

const DEFAULT_PRIORITY = {
  payment_failed: 'normal',
  account_locked: 'high',
  account_stolen: 'urgent',
  password_reset: 'normal',
  transaction_dispute: 'high',
  refund: 'normal',
  refund_not_received: 'normal',
  abnormal_charge: 'high',
  card_unbinding: 'normal',
  cross_border: 'normal',
  fees: 'normal',
  privacy: 'normal',
  technical: 'normal',
  feature_question: 'low',
  complaint: 'normal',
  other: 'normal',
} as const satisfies Record<Category, Priority>;

/** DOMAIN.md: stolen accounts are urgent; locks, odd charges and disputes high; questions low. */
export function defaultPriorityFor(category: Category): Priority {
  return DEFAULT_PRIORITY[category];
}

/** `KF-` and at least six digits: 123 → `KF-000123`, 1234567 → `KF-1234567`. */
export function formatTicketNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`A ticket number is a positive integer, got ${n}`);
  return `KF-${String(n).padStart(6, '0')}`;
}

/** The inverse of formatTicketNumber (case-insensitive), or undefined for anything else. */
export function parseTicketNumber(s: string): number | undefined {
  const m = /^KF-(\d{6,15})$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

/** The next tier up, or undefined at the top (L3). */
export function nextTier(tier: Tier): Tier | undefined {
  return TIERS[TIERS.indexOf(tier) + 1];
}

/** escalationLevel mirrors the tier: 0 at L1 (never escalated), 1 at L2, 2 at L3. */
export function escalationLevelOf(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The segment that puts a ticket first in its priority band (queues) and that VIP policies match. */
export const VIP_SEGMENT = 'vip';

/** A reference to a stored file; Kefu never holds the bytes. */
export interface Attachment {
  name: string;
  contentType: string;
  size: number;
  url: string;
  sha256?: string;
}

export interface Author {
  kind: AuthorKind;
  id?: string;
  name?: string;
}
