// The decision state of one ticket: only what decide needs (plus what handlers route by), not the
// read model. Subject, description and the conversation live in projections.
import { TicketEvent } from './ticket.events';
import { evolveSla } from './ticket.sla.evolve';
import { TicketSlaState } from './ticket.sla.types';
import { Author, TicketStatus } from './ticket.types';
import { Category, Channel, Priority, Tier } from '@kefu/kernel';

export interface NoTicket {
  exists: false;
}

export interface Ticket {
  exists: true;
  id: string;
  number: string;
  status: TicketStatus;
  priority: Priority;
  category: Category;
  channel: Channel;
  language: string;
  customerId: string;
  openedBy: Author;
  tier: Tier;
  escalationLevel: number;
  assigneeId?: string;
  tags: string[];
  /** The customer's segments (`vip`) as of opening: SLA policies and escalation routing match on them. */
  segments: string[];
  /** Times the ticket left `solved` other than by closing. */
  reopenCount: number;
  /** Set while solved; the close-after-quiet-period rule measures from it. */
  solvedAt?: string;
  firstAgentReplyAt?: string;
  /** A customer's escalation request is waiting for the escalation module. */
  escalationRequested: boolean;
  messageCount: number;
  /** The SLA clocks (targets stay empty while no policy applies). */
  sla: TicketSlaState;
}

export type TicketState = NoTicket | Ticket;

export function initialState(): TicketState {
  return { exists: false };
}

export function evolve(state: TicketState, event: TicketEvent): TicketState {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    return {
      exists: true,
      id: d.ticketId,
      number: d.number,
      status: 'new',
      priority: d.priority,
      category: d.category,
      channel: d.channel,
      language: d.language,
      customerId: d.customer.id,
      openedBy: d.openedBy,
      tier: d.tier,
      escalationLevel: 0,
      tags: [...d.tags],
      segments: [...(d.segments ?? [])],
      reopenCount: 0,
      escalationRequested: false,
      messageCount: 0,
      sla: { revision: 0, awaitingAgentReply: true, targets: {} },
    };
  }
  // Anything before TicketOpened is not ours to interpret.
  if (!state.exists) return state;

  switch (event.type) {
    case 'PublicReplyAdded': {
      const kind = event.data.author.kind;
      const firstAgentReply = kind === 'agent' && state.firstAgentReplyAt === undefined;
      // A customer's (or their partner's) message is owed an answer until an agent replies.
      const awaiting = kind === 'agent' ? false : kind === 'system' ? state.sla.awaitingAgentReply : true;
      return {
        ...state,
        messageCount: state.messageCount + 1,
        ...(firstAgentReply ? { firstAgentReplyAt: event.data.at } : {}),
        sla: { ...state.sla, awaitingAgentReply: awaiting },
      };
    }
    case 'InternalNoteAdded':
      return { ...state, messageCount: state.messageCount + 1 };
    case 'TicketAssigned':
      return { ...state, assigneeId: event.data.agentId };
    case 'TicketUnassigned': {
      const { assigneeId: _released, ...rest } = state;
      return rest;
    }
    case 'TicketStatusChanged': {
      const { solvedAt, ...rest } = state;
      const { to, at } = event.data;
      // Closing keeps solvedAt for the record; leaving solved any other way clears it.
      const keep = to === 'solved' ? at : to === 'closed' ? solvedAt : undefined;
      return { ...rest, status: to, ...(keep === undefined ? {} : { solvedAt: keep }) };
    }
    case 'TicketReopened':
      return { ...state, reopenCount: event.data.count };
    case 'TicketTagged': {
      const removed = new Set(event.data.removed);
      const kept = state.tags.filter((t) => !removed.has(t));
      return { ...state, tags: [...kept, ...event.data.added.filter((t) => !kept.includes(t))] };
    }
    case 'TicketPriorityChanged':
      return { ...state, priority: event.data.to };
    case 'TicketEscalationRequested':
      return { ...state, escalationRequested: true };
    case 'TicketEscalated':
      return {
        ...state,
        tier: event.data.toTier,
        escalationLevel: event.data.level,
        escalationRequested: false,
      };
    case 'TicketClosed':
      return state;
    case 'SlaPolicyApplied':
    case 'SlaTargetStarted':
    case 'SlaTargetPaused':
    case 'SlaTargetResumed':
    case 'SlaTargetMet':
    case 'SlaTargetBreached':
    case 'SlaTargetWarned':
    case 'SlaTargetCancelled':
    case 'SlaTargetRecalculated':
      return { ...state, sla: evolveSla(state.sla, event) };
    default:
      return ignoreUnknown(state, event);
  }
}

// Exhaustive at compile time; at run time an unknown (newer) event type is skipped, not fatal.
function ignoreUnknown(state: TicketState, _event: never): TicketState {
  return state;
}
