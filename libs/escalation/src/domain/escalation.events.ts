// What routing did with each escalation of a ticket, on the ticket's escalation stream.
import { DomainEvent, Tier } from '@kefu/kernel';
import { EscalationTrigger } from '@kefu/tickets/domain';

/** Identifies one escalation: the id of its TicketEscalated event, plus what it said. */
export interface EscalationRef {
  escalationId: string;
  ticketId: string;
  trigger: EscalationTrigger;
  fromTier: Tier;
  toTier: Tier;
}

/** Nobody of the tier could take it: it waits in the tier's queue. */
export interface EscalationQueuedData extends EscalationRef {
  at: string;
}

/** An agent of the tier has it (the TicketAssigned is in the same transaction). */
export interface EscalationRoutedData extends EscalationRef {
  agentId: string;
  /** `routing` picked the agent; `already_assigned`: someone assigned it before routing ran. */
  by: 'routing' | 'already_assigned';
  /** The agent's open tickets when picked. */
  load?: number;
  /** Set when it waited in the queue first. */
  queuedAt?: string;
  at: string;
}

export type DequeueReason = 'superseded' | 'ticket_closed' | 'assigned_elsewhere' | 'tier_changed';

/** It left the queue without being routed (closed, assigned by hand, escalated again). */
export interface EscalationDequeuedData {
  escalationId: string;
  ticketId: string;
  toTier: Tier;
  reason: DequeueReason;
  at: string;
}

export type EscalationQueued = DomainEvent<'EscalationQueued', EscalationQueuedData>;
export type EscalationRouted = DomainEvent<'EscalationRouted', EscalationRoutedData>;
export type EscalationDequeued = DomainEvent<'EscalationDequeued', EscalationDequeuedData>;
export type EscalationEvent = EscalationQueued | EscalationRouted | EscalationDequeued;
