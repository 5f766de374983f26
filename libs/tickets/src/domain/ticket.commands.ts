// What someone asks a ticket to do, in the imperative. Ids (ticket, message) and the number are
// allocated by the application layer, so deciding stays pure and replays stay deterministic.
import { Command, Category, Channel, CustomerRef, Priority, Tier, TransactionRef } from '@kefu/kernel';
import { Attachment, EscalationTrigger, SettableStatus } from './ticket.types';
import { SlaRecalcReason, SlaRules, SlaTargetName } from './ticket.sla.types';

export interface OpenTicketData {
  ticketId: string;
  /** The next value of the ticket-number sequence; the event carries it formatted (`KF-000123`). */
  number: number;
  subject: string;
  description: string;
  category: Category;
  /** Default: by category (defaultPriorityFor). */
  priority?: Priority;
  /** Default: `partner` for partner actors, `web` otherwise. */
  channel?: Channel;
  /** BCP 47; default `en`. */
  language?: string;
  /** Required, except for a customer actor: then it defaults to (and must be) the actor's account. */
  customer?: CustomerRef;
  transaction?: TransactionRef;
  tags?: string[];
  externalRef?: string;
  /** The customer's segments an admin set (the application layer reads them); merged with customer.segments. */
  segments?: string[];
}

export interface MessageInput {
  messageId: string;
  body: string;
  attachments?: Attachment[];
}

export interface AssignTicketData {
  agentId: string;
}

export interface SetTicketStatusData {
  status: SettableStatus;
}

export interface TagTicketData {
  add?: string[];
  remove?: string[];
}

export interface SetTicketPriorityData {
  priority: Priority;
}

export interface RequestEscalationData {
  reason: string;
}

export interface EscalateTicketData {
  reason: string;
  /** Default `agent` for people; a system actor must say which trigger fired. */
  trigger?: EscalationTrigger;
  /** Default: the next tier. Complaints and low survey scores go straight to L3. */
  toTier?: Tier;
}

export interface CloseSolvedTicketData {
  /** How long a ticket must have stayed solved before the worker closes it. */
  quietPeriodSeconds: number;
}

/** A timer fired: breach (or warn) whatever is due. The target and revision are for the log. */
export interface CheckSlaData {
  target?: SlaTargetName;
  revision?: number;
}

/** A policy, a calendar or the priority changed: compute the due times again. */
export interface RecalculateSlaData {
  reason: SlaRecalcReason;
}

export type OpenTicket = Command<'OpenTicket', OpenTicketData>;
/** A public reply by a customer, an agent, a partner (for its customer) or the system. */
export type ReplyToTicket = Command<'ReplyToTicket', MessageInput>;
export type AddInternalNote = Command<'AddInternalNote', MessageInput>;
export type AssignTicket = Command<'AssignTicket', AssignTicketData>;
export type SetTicketStatus = Command<'SetTicketStatus', SetTicketStatusData>;
export type TagTicket = Command<'TagTicket', TagTicketData>;
export type SetTicketPriority = Command<'SetTicketPriority', SetTicketPriorityData>;
export type RequestEscalation = Command<'RequestEscalation', RequestEscalationData>;
export type EscalateTicket = Command<'EscalateTicket', EscalateTicketData>;
export type CloseSolvedTicket = Command<'CloseSolvedTicket', CloseSolvedTicketData>;
export type CheckSla = Command<'CheckSla', CheckSlaData>;
export type RecalculateSla = Command<'RecalculateSla', RecalculateSlaData>;

/**
 * Every command may carry the SLA rules (policies and calendars as pure functions, filled in by the
 * application layer); without them the SLA clocks are left alone.
 */
export type TicketCommand = (
  | OpenTicket
  | ReplyToTicket
  | AddInternalNote
  | AssignTicket
  | SetTicketStatus
  | TagTicket
  | SetTicketPriority
  | RequestEscalation
  | EscalateTicket
  | CloseSolvedTicket
  | CheckSla
  | RecalculateSla
) & { sla?: SlaRules };

export type TicketCommandType = TicketCommand['type'];
