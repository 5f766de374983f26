// The decision state of one ticket: only what decide needs (plus what handlers route by), not the
// read model. Subject, description and the conversation live in projections.
import { TicketEvent } from './ticket.events';
import { Author, Category, Channel, Priority, Tier, TicketStatus } from './ticket.types';

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
  /** Times the ticket left `solved` other than by closing. */
  reopenCount: number;
  /** Set while solved; the close-after-quiet-period rule measures from it. */
  solvedAt?: string;
  firstAgentReplyAt?: string;
  /** A customer's escalation request is waiting for the escalation module. */
  escalationRequested: boolean;
  messageCount: number;
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
      reopenCount: 0,
      escalationRequested: false,
      messageCount: 0,
    };
  }
  // Anything before TicketOpened is not ours to interpret.
  if (!state.exists) return state;

  switch (event.type) {
    case 'PublicReplyAdded': {
      const firstAgentReply = event.data.author.kind === 'agent' && state.firstAgentReplyAt === undefined;
      return {
        ...state,
        messageCount: state.messageCount + 1,
        ...(firstAgentReply ? { firstAgentReplyAt: event.data.at } : {}),
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
    default:
      return ignoreUnknown(state, event);
  }
}

// Exhaustive at compile time; at run time an unknown (newer) event type is skipped, not fatal.
function ignoreUnknown(state: TicketState, _event: never): TicketState {
  return state;
}
