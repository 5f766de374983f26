// Builders for ticket decider specs: actors, histories that reach a status, and commands.
import { Actor } from './decider';
import {
  AddInternalNote,
  AssignTicket,
  CloseSolvedTicket,
  EscalateTicket,
  EscalateTicketData,
  OpenTicket,
  OpenTicketData,
  ReplyToTicket,
  RequestEscalation,
  SetTicketPriority,
  SetTicketStatus,
  TagTicket,
  TicketCommand,
} from './ticket.commands';
import { deciderSpec } from './testing';
import { ticketDecider } from './ticket.decider';
import { TicketEvent, TicketOpened, TicketOpenedData, TicketStatusChanged } from './ticket.events';
import { TicketState } from './ticket.state';
import {
  Attachment,
  Author,
  Priority,
  SettableStatus,
  StatusChangeReason,
  Tier,
  TicketStatus,
} from './ticket.types';

export const given = deciderSpec(ticketDecider);

export const T0 = '2026-03-01T09:00:00.000Z';
/** T0 plus the given number of minutes, as ISO. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}
export const NOW = at(60);

export const actors = {
  customer: { role: 'customer', id: 'user-1', customerId: 'cust-1', name: 'Li Wei' },
  otherCustomer: { role: 'customer', id: 'user-2', customerId: 'cust-2' },
  agent: { role: 'agent', id: 'agent-1', name: 'Ana' },
  otherAgent: { role: 'agent', id: 'agent-2', name: 'Ben' },
  senior: { role: 'senior_agent', id: 'senior-1' },
  supervisor: { role: 'supervisor', id: 'sup-1' },
  admin: { role: 'admin', id: 'admin-1' },
  partner: { role: 'partner', id: 'call-centre', name: 'Call centre' },
  otherPartner: { role: 'partner', id: 'merchant-portal' },
  system: { role: 'system', id: 'kefu' },
} as const satisfies Record<string, Actor>;

/** The ticket every history starts with: brought in by the call centre for cust-1. */
export function opened(overrides: Partial<TicketOpenedData> = {}): TicketOpened {
  return {
    type: 'TicketOpened',
    data: {
      ticketId: 't-1',
      number: 'KF-000042',
      subject: 'Payment failed at the checkout',
      description: 'The app said "network error" but my balance went down.',
      category: 'payment_failed',
      priority: 'normal',
      channel: 'partner',
      language: 'zh-CN',
      customer: { id: 'cust-1', name: 'Li Wei' },
      tags: [],
      tier: 'L1',
      openedBy: { kind: 'partner', id: 'call-centre', name: 'Call centre' },
      at: T0,
      ...overrides,
    },
  };
}

export function changed(from: TicketStatus, to: TicketStatus, minutes = 1): TicketStatusChanged {
  return { type: 'TicketStatusChanged', data: { from, to, reason: 'agent', at: at(minutes) } };
}

export function assigned(agentId: string, previousAgentId?: string): TicketEvent {
  return {
    type: 'TicketAssigned',
    data: { agentId, ...(previousAgentId ? { previousAgentId } : {}), at: at(1) },
  };
}

export const statusChangedNow = (
  from: TicketStatus,
  to: TicketStatus,
  reason: StatusChangeReason = 'agent',
): TicketEvent => ({
  type: 'TicketStatusChanged',
  data: { from, to, reason, at: NOW },
});
export const reopenedNow = (count: number, reason: StatusChangeReason): TicketEvent => ({
  type: 'TicketReopened',
  data: { count, reason, at: NOW },
});
export const publicReply = (author: Author, body = 'Hello'): TicketEvent => ({
  type: 'PublicReplyAdded',
  data: { messageId: 'm-1', body, attachments: [], author, visibility: 'public', at: NOW },
});

export const CUSTOMER_AUTHOR = { kind: 'customer', id: 'cust-1', name: 'Li Wei' } as const;
export const AGENT_AUTHOR = { kind: 'agent', id: 'agent-1', name: 'Ana' } as const;
export const PARTNER_AUTHOR = { kind: 'partner', id: 'call-centre', name: 'Call centre' } as const;

/** The state after these events. */
export function ticketState(events: TicketEvent[]): TicketState {
  return events.reduce(ticketDecider.evolve, ticketDecider.initialState());
}

/** A history that leaves the ticket in `status` (solved at minute 1; closed after that). */
export function inStatus(status: TicketStatus, extra: TicketEvent[] = []): TicketEvent[] {
  const history: TicketEvent[] = [opened(), ...extra];
  if (status === 'closed') {
    history.push(changed('new', 'solved'), changed('solved', 'closed', 2), {
      type: 'TicketClosed',
      data: { solvedAt: at(1), at: at(2) },
    });
  } else if (status !== 'new') {
    history.push(changed('new', status));
  }
  return history;
}

export function escalated(fromTier: Tier, toTier: Tier, level: number): TicketEvent {
  return {
    type: 'TicketEscalated',
    data: { fromTier, toTier, level, reason: 'needs a senior', trigger: 'agent', at: at(1) },
  };
}

function command<C extends TicketCommand>(type: C['type'], data: C['data'], actor: Actor, now: string): C {
  return { type, data, actor, now } as C;
}

export const openTicket = (data: Partial<OpenTicketData> = {}, actor: Actor = actors.partner): OpenTicket =>
  command<OpenTicket>(
    'OpenTicket',
    {
      ticketId: 't-1',
      number: 42,
      subject: 'Payment failed at the checkout',
      description: 'The app said "network error" but my balance went down.',
      category: 'payment_failed',
      language: 'zh-CN',
      customer: { id: 'cust-1', name: 'Li Wei' },
      ...data,
    },
    actor,
    T0,
  );

export const reply = (actor: Actor, body = 'Hello', attachments?: Attachment[]): ReplyToTicket =>
  command<ReplyToTicket>(
    'ReplyToTicket',
    { messageId: 'm-1', body, ...(attachments ? { attachments } : {}) },
    actor,
    NOW,
  );

export const note = (actor: Actor = actors.agent, body = 'Checked the ledger'): AddInternalNote =>
  command<AddInternalNote>('AddInternalNote', { messageId: 'm-2', body }, actor, NOW);

export const assign = (agentId: string, actor: Actor = actors.supervisor): AssignTicket =>
  command<AssignTicket>('AssignTicket', { agentId }, actor, NOW);

export const setStatus = (
  status: SettableStatus | TicketStatus,
  actor: Actor = actors.agent,
): SetTicketStatus =>
  command<SetTicketStatus>('SetTicketStatus', { status: status as SettableStatus }, actor, NOW);

export const tag = (add: string[] = [], remove: string[] = [], actor: Actor = actors.agent): TagTicket =>
  command<TagTicket>('TagTicket', { add, remove }, actor, NOW);

export const setPriority = (priority: Priority, actor: Actor = actors.agent): SetTicketPriority =>
  command<SetTicketPriority>('SetTicketPriority', { priority }, actor, NOW);

export const requestEscalation = (
  actor: Actor = actors.customer,
  reason = 'I want a manager',
): RequestEscalation => command<RequestEscalation>('RequestEscalation', { reason }, actor, NOW);

export const escalate = (
  data: Partial<EscalateTicketData> = {},
  actor: Actor = actors.agent,
): EscalateTicket =>
  command<EscalateTicket>('EscalateTicket', { reason: 'needs a senior', ...data }, actor, NOW);

export const closeSolved = (
  now: string,
  quietPeriodSeconds = 3600,
  actor: Actor = actors.system,
): CloseSolvedTicket => command<CloseSolvedTicket>('CloseSolvedTicket', { quietPeriodSeconds }, actor, now);

/** One valid command of every type an existing ticket accepts, each by an actor allowed to issue it. */
export function everyCommandOnATicket(): TicketCommand[] {
  return [
    reply(actors.customer),
    reply(actors.agent),
    note(),
    assign('agent-2'),
    setStatus('pending'),
    tag(['vip']),
    setPriority('high'),
    requestEscalation(),
    // A trigger, so that the system may issue it too.
    escalate({ trigger: 'customer_request' }),
  ];
}
