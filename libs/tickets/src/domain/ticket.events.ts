// What happened to a ticket, in the past tense. Every payload carries `at`, the command's `now`:
// evolve only sees {type, data}, and rules such as the close-after-quiet-period need the times.
import { DomainEvent, Category, Channel, CustomerRef, Priority, Tier, TransactionRef } from '@kefu/kernel';
import { Attachment, Author, EscalationTrigger, StatusChangeReason, TicketStatus } from './ticket.types';
import { SlaRecalcReason, SlaTargetName } from './ticket.sla.types';

export interface TicketOpenedData {
  ticketId: string;
  /** The human number, formatted: `KF-000123`. */
  number: string;
  subject: string;
  description: string;
  category: Category;
  priority: Priority;
  channel: Channel;
  language: string;
  customer: CustomerRef;
  transaction?: TransactionRef;
  tags: string[];
  /** The partner's own id for the case. */
  externalRef?: string;
  /** The customer's segments when it opened (partner-given ∪ admin-set); absent on older events. */
  segments?: string[];
  tier: 'L1';
  /** A partner author here is what limits the partner's access to its own cases. */
  openedBy: Author;
  at: string;
}

/**
 * Messages are two event types split by visibility, not one MessageAdded with a flag: whatever is
 * shown to customers and partners (webhooks, the partner event feed, the public thread) can
 * allow-list `PublicReplyAdded` by type, so an internal note cannot leak through a forgotten filter.
 * The author's kind (customer, agent, partner, system) is in the payload; the SLA reacts to it.
 */
export interface MessageData<V extends 'public' | 'internal'> {
  messageId: string;
  body: string;
  attachments: Attachment[];
  author: Author;
  visibility: V;
  at: string;
}

export interface TicketAssignedData {
  agentId: string;
  previousAgentId?: string;
  at: string;
}

export interface TicketUnassignedData {
  previousAgentId: string;
  /** Escalation hands the ticket to the new tier's queue. */
  reason: 'escalated';
  at: string;
}

/** The only event that changes the status; TicketReopened and TicketClosed accompany it. */
export interface TicketStatusChangedData {
  from: TicketStatus;
  to: TicketStatus;
  reason: StatusChangeReason;
  at: string;
}

/** A solved ticket left `solved` (not by closing). `count` is the total so far, this one included. */
export interface TicketReopenedData {
  count: number;
  reason: StatusChangeReason;
  at: string;
}

export interface TicketTaggedData {
  added: string[];
  removed: string[];
  at: string;
}

export interface TicketPriorityChangedData {
  from: Priority;
  to: Priority;
  at: string;
}

/** The customer (or a partner for them) asks for a more senior agent; escalation routes it. */
export interface TicketEscalationRequestedData {
  reason: string;
  requestedBy: Author;
  at: string;
}

export interface TicketEscalatedData {
  fromTier: Tier;
  toTier: Tier;
  /** 0 at L1, 1 at L2, 2 at L3. */
  level: number;
  reason: string;
  trigger: EscalationTrigger;
  at: string;
}

export interface TicketClosedData {
  solvedAt: string;
  at: string;
}

export type TicketOpened = DomainEvent<'TicketOpened', TicketOpenedData>;
export type PublicReplyAdded = DomainEvent<'PublicReplyAdded', MessageData<'public'>>;
export type InternalNoteAdded = DomainEvent<'InternalNoteAdded', MessageData<'internal'>>;
export type TicketAssigned = DomainEvent<'TicketAssigned', TicketAssignedData>;
export type TicketUnassigned = DomainEvent<'TicketUnassigned', TicketUnassignedData>;
export type TicketStatusChanged = DomainEvent<'TicketStatusChanged', TicketStatusChangedData>;
export type TicketReopened = DomainEvent<'TicketReopened', TicketReopenedData>;
export type TicketTagged = DomainEvent<'TicketTagged', TicketTaggedData>;
export type TicketPriorityChanged = DomainEvent<'TicketPriorityChanged', TicketPriorityChangedData>;
export type TicketEscalationRequested = DomainEvent<
  'TicketEscalationRequested',
  TicketEscalationRequestedData
>;
export type TicketEscalated = DomainEvent<'TicketEscalated', TicketEscalatedData>;
export type TicketClosed = DomainEvent<'TicketClosed', TicketClosedData>;

export type TicketEvent =
  | TicketOpened
  | PublicReplyAdded
  | InternalNoteAdded
  | TicketAssigned
  | TicketUnassigned
  | TicketStatusChanged
  | TicketReopened
  | TicketTagged
  | TicketPriorityChanged
  | TicketEscalationRequested
  | TicketEscalated
  | TicketClosed
  | SlaEvent;

export type TicketEventType = TicketEvent['type'];

const EVENT_TYPE_SET: Record<TicketEventType, true> = {
  TicketOpened: true,
  PublicReplyAdded: true,
  InternalNoteAdded: true,
  TicketAssigned: true,
  TicketUnassigned: true,
  TicketStatusChanged: true,
  TicketReopened: true,
  TicketTagged: true,
  TicketPriorityChanged: true,
  TicketEscalationRequested: true,
  TicketEscalated: true,
  TicketClosed: true,
  SlaPolicyApplied: true,
  SlaTargetStarted: true,
  SlaTargetPaused: true,
  SlaTargetResumed: true,
  SlaTargetMet: true,
  SlaTargetBreached: true,
  SlaTargetWarned: true,
  SlaTargetCancelled: true,
  SlaTargetRecalculated: true,
};

/** Every event type (exhaustive by construction), for consumers that subscribe by type. */
export const TICKET_EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as TicketEventType[];

/** Event types that never reach customers or partners. */
export const INTERNAL_TICKET_EVENT_TYPES = [
  'InternalNoteAdded',
] as const satisfies readonly TicketEventType[];

// ---- SLA clocks (fed by SlaRules; see ticket.sla.ts) ----

export interface SlaPolicyAppliedData {
  /** null: no policy matches any more. */
  policyId: string | null;
  calendarId: string | null;
  warningRatio: number | null;
  seconds: Record<SlaTargetName, number> | null;
  reason: 'opened' | SlaRecalcReason;
  at: string;
}

export interface SlaTargetStartedData {
  target: SlaTargetName;
  revision: number;
  targetSeconds: number;
  dueAt: string;
  warnAt: string | null;
  at: string;
}

export interface SlaTargetPausedData {
  target: SlaTargetName;
  revision: number;
  /** Business time used so far, kept for the resume. */
  elapsedMs: number;
  at: string;
}

export interface SlaTargetResumedData {
  target: SlaTargetName;
  revision: number;
  /** The due time before the pause; the new one is later by the paused business time. */
  previousDueAt: string | null;
  dueAt: string;
  warnAt: string | null;
  at: string;
}

/** `dueAt` and the revision of the run that ended; breach and warning have the same shape. */
export interface SlaTargetOutcomeData {
  target: SlaTargetName;
  revision: number;
  dueAt: string;
  at: string;
}

export interface SlaTargetMetData extends SlaTargetOutcomeData {
  /** Business time used in all; a reopened ticket's resolution clock resumes from it. */
  elapsedMs: number;
}

export interface SlaTargetCancelledData {
  target: SlaTargetName;
  revision: number;
  reason: 'solved' | 'closed' | SlaRecalcReason;
  at: string;
}

export interface SlaTargetRecalculatedData {
  target: SlaTargetName;
  revision: number;
  targetSeconds: number;
  /** null while paused: the due time is set again on resume. */
  dueAt: string | null;
  warnAt: string | null;
  reason: SlaRecalcReason;
  at: string;
}

export type SlaPolicyApplied = DomainEvent<'SlaPolicyApplied', SlaPolicyAppliedData>;
export type SlaTargetStarted = DomainEvent<'SlaTargetStarted', SlaTargetStartedData>;
export type SlaTargetPaused = DomainEvent<'SlaTargetPaused', SlaTargetPausedData>;
export type SlaTargetResumed = DomainEvent<'SlaTargetResumed', SlaTargetResumedData>;
export type SlaTargetMet = DomainEvent<'SlaTargetMet', SlaTargetMetData>;
export type SlaTargetBreached = DomainEvent<'SlaTargetBreached', SlaTargetOutcomeData>;
export type SlaTargetWarned = DomainEvent<'SlaTargetWarned', SlaTargetOutcomeData>;
export type SlaTargetCancelled = DomainEvent<'SlaTargetCancelled', SlaTargetCancelledData>;
export type SlaTargetRecalculated = DomainEvent<'SlaTargetRecalculated', SlaTargetRecalculatedData>;

export type SlaEvent =
  | SlaPolicyApplied
  | SlaTargetStarted
  | SlaTargetPaused
  | SlaTargetResumed
  | SlaTargetMet
  | SlaTargetBreached
  | SlaTargetWarned
  | SlaTargetCancelled
  | SlaTargetRecalculated;
