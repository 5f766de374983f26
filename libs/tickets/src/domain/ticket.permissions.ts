// Who may do what to a ticket, in one table, and whose tickets a customer or partner can see.
import { Actor, ActorRole, DomainRuleError, STAFF_ROLES, partyOf } from '@kefu/kernel';
import { TicketCommandType } from './ticket.commands';
import { Author } from './ticket.types';

const STAFF_OR_SYSTEM = [...STAFF_ROLES, 'system'] as const satisfies readonly ActorRole[];

/**
 * Customers and partners talk (open, reply, ask for a senior agent); staff work the ticket; the
 * system (worker jobs: routing, escalation, auto-close) does what its triggers need.
 */
export const TICKET_PERMISSIONS: Record<TicketCommandType, readonly ActorRole[]> = {
  OpenTicket: ['customer', 'partner', ...STAFF_OR_SYSTEM],
  ReplyToTicket: ['customer', 'partner', ...STAFF_OR_SYSTEM],
  AddInternalNote: STAFF_OR_SYSTEM,
  AssignTicket: STAFF_OR_SYSTEM,
  SetTicketStatus: STAFF_OR_SYSTEM,
  TagTicket: STAFF_OR_SYSTEM,
  SetTicketPriority: STAFF_OR_SYSTEM,
  // Staff escalate directly (EscalateTicket); the request is the customer's voice.
  RequestEscalation: ['customer', 'partner'],
  EscalateTicket: STAFF_OR_SYSTEM,
  CloseSolvedTicket: ['system'],
  CheckSla: ['system'],
  RecalculateSla: ['system'],
};

export function mayIssue(role: ActorRole, command: TicketCommandType): boolean {
  return TICKET_PERMISSIONS[command].includes(role);
}

export function assertMayIssue(actor: Actor, command: TicketCommandType): void {
  if (!mayIssue(actor.role, command)) {
    throw DomainRuleError.forbidden(`A ${actor.role} may not ${describe(command)}.`);
  }
}

/** What a ticket must show to decide visibility: its customer and who brought it in. */
export interface TicketOwnership {
  customerId: string;
  openedBy: Author;
}

/**
 * Customers see their own cases; partners the cases their channel opened; everyone else all.
 * The application layer uses the same rule for reads, and answers 404 (not 403) when it fails.
 */
export function canSeeTicket(actor: Actor, ticket: TicketOwnership): boolean {
  switch (actor.role) {
    case 'customer':
      return actor.customerId !== undefined && actor.customerId === ticket.customerId;
    case 'partner':
      return ticket.openedBy.kind === 'partner' && ticket.openedBy.id === actor.id;
    default:
      return true;
  }
}

/** How an actor appears as a message author. Admins acting on a ticket act as agents. */
export function authorOf(actor: Actor): Author {
  return partyOf(actor);
}

/** People who can hold tickets: solving an unassigned ticket assigns it to them. */
export function isAssignableRole(role: ActorRole): boolean {
  return role === 'agent' || role === 'senior_agent' || role === 'supervisor';
}

function describe(command: TicketCommandType): string {
  // `SetTicketStatus` → `set ticket status`
  return command.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
