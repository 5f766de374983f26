// decide(command, state) → events for one ticket. Checks run in the order of HTTP precedence:
// not_found (missing, or not the actor's to see) → forbidden → validation_failed → invalid_transition.
// A refusal throws before anything is emitted; a command that changes nothing returns [].
import {
  Decider,
  DomainRuleError,
  Violations,
  absent,
  integerIn,
  oneOf,
  requiredText,
  PRIORITIES,
  TIERS,
} from '@kefu/kernel';
import {
  AddInternalNote,
  AssignTicket,
  CloseSolvedTicket,
  EscalateTicket,
  OpenTicket,
  ReplyToTicket,
  RequestEscalation,
  SetTicketPriority,
  SetTicketStatus,
  TagTicket,
  TicketCommand,
} from './ticket.commands';
import { TicketEvent, TicketReopened, TicketStatusChanged } from './ticket.events';
import { assertMayIssue, authorOf, canSeeTicket, isAssignableRole } from './ticket.permissions';
import { withSla } from './ticket.sla';
import { Ticket, TicketState, evolve, initialState } from './ticket.state';
import {
  ESCALATION_TRIGGERS,
  SETTABLE_STATUSES,
  StatusChangeReason,
  TicketStatus,
  defaultPriorityFor,
  escalationLevelOf,
  formatTicketNumber,
  nextTier,
} from './ticket.types';
import { LIMITS, normaliseTags, validateMessage, validateOpenTicket } from './ticket.validation';

export function decide(command: TicketCommand, state: TicketState): TicketEvent[] {
  return withSla(command, state, decideTicket(command, state));
}

function decideTicket(command: TicketCommand, state: TicketState): TicketEvent[] {
  if (command.type === 'OpenTicket') return openTicket(command, state);
  if (!state.exists) throw DomainRuleError.notFound('Ticket');
  // 404, not 403: a customer or partner must not learn that someone else's ticket exists.
  if (!canSeeTicket(command.actor, state)) throw DomainRuleError.notFound('Ticket', state.id);
  assertMayIssue(command.actor, command.type);
  switch (command.type) {
    case 'ReplyToTicket':
      return replyToTicket(command, state);
    case 'AddInternalNote':
      return addInternalNote(command, state);
    case 'AssignTicket':
      return assignTicket(command, state);
    case 'SetTicketStatus':
      return setTicketStatus(command, state);
    case 'TagTicket':
      return tagTicket(command, state);
    case 'SetTicketPriority':
      return setTicketPriority(command, state);
    case 'RequestEscalation':
      return requestEscalation(command, state);
    case 'EscalateTicket':
      return escalateTicket(command, state);
    case 'CloseSolvedTicket':
      return closeSolvedTicket(command, state);
    case 'CheckSla':
    case 'RecalculateSla':
      // Jobs: withSla does the work; a stale job on a closed ticket finds nothing to do.
      return [];
  }
}

export const ticketDecider: Decider<TicketState, TicketCommand, TicketEvent> = {
  initialState,
  evolve,
  decide,
};

/** The stream type under which ticket events are stored. */
export const TICKET_STREAM_TYPE = 'ticket';

function openTicket(command: OpenTicket, state: TicketState): TicketEvent[] {
  const { actor, now } = command;
  assertMayIssue(actor, command.type);
  const ownAccount = actor.role === 'customer' ? actor.customerId : undefined;
  if (actor.role === 'customer') {
    if (absent(ownAccount))
      throw DomainRuleError.forbidden('A customer token without a customerId cannot open tickets.');
    const given = command.data.customer;
    if (!absent(given) && typeof given.id === 'string' && given.id.trim() !== ownAccount) {
      throw DomainRuleError.forbidden('Customers open tickets for their own account only.');
    }
    // A segment is the business's judgement of a customer (vip): never self-declared.
    if (!absent(given) && Array.isArray(given.segments) && given.segments.length > 0)
      throw DomainRuleError.forbidden('Customer segments are set by partners and admins, not by customers.');
  }
  const d = validateOpenTicket(command.data, { requireCustomer: ownAccount === undefined });
  const customer = d.customer ?? { id: ownAccount ?? '' };
  if (state.exists) throw DomainRuleError.invalidTransition(`Ticket ${state.id} already exists.`);
  return [
    {
      type: 'TicketOpened',
      data: {
        ticketId: d.ticketId,
        number: formatTicketNumber(d.number),
        subject: d.subject,
        description: d.description,
        category: d.category,
        priority: d.priority ?? defaultPriorityFor(d.category),
        channel: d.channel ?? (actor.role === 'partner' ? 'partner' : 'web'),
        language: d.language,
        customer,
        ...(d.transaction ? { transaction: d.transaction } : {}),
        tags: d.tags,
        ...(d.externalRef === undefined ? {} : { externalRef: d.externalRef }),
        ...(d.segments.length ? { segments: d.segments } : {}),
        tier: 'L1',
        openedBy: authorOf(actor),
        at: now,
      },
    },
  ];
}

function replyToTicket(command: ReplyToTicket, state: Ticket): TicketEvent[] {
  const input = validateMessage(command.data);
  assertNotClosed(state, 'reply to');
  const author = authorOf(command.actor);
  const at = command.now;
  const events: TicketEvent[] = [
    { type: 'PublicReplyAdded', data: { ...input, author, visibility: 'public', at } },
  ];
  const customerSide = author.kind === 'customer' || author.kind === 'partner';
  if (author.kind === 'agent' && state.status === 'new') {
    events.push(statusChanged(state.status, 'open', 'agent_replied', at));
  } else if (customerSide && state.status === 'pending') {
    events.push(statusChanged(state.status, 'open', 'customer_replied', at));
  } else if (customerSide && state.status === 'solved') {
    events.push(
      statusChanged(state.status, 'open', 'customer_replied', at),
      reopened(state, 'customer_replied', at),
    );
  }
  // on_hold waits on a third party, so a customer's reply does not end that wait; new stays new
  // until an agent answers; system notices never move the status.
  return events;
}

function addInternalNote(command: AddInternalNote, state: Ticket): TicketEvent[] {
  const input = validateMessage(command.data);
  assertNotClosed(state, 'add a note to');
  const author = authorOf(command.actor);
  return [{ type: 'InternalNoteAdded', data: { ...input, author, visibility: 'internal', at: command.now } }];
}

function assignTicket(command: AssignTicket, state: Ticket): TicketEvent[] {
  const v = new Violations();
  // Whether the agent exists and may take the ticket is checked by the handler (another stream).
  const agentId = requiredText(v, 'agentId', command.data.agentId, LIMITS.idChars);
  v.throwIfAny();
  assertNotClosed(state, 'assign');
  if (state.assigneeId === agentId) return [];
  return [
    {
      type: 'TicketAssigned',
      data: {
        agentId,
        ...(state.assigneeId === undefined ? {} : { previousAgentId: state.assigneeId }),
        at: command.now,
      },
    },
  ];
}

function setTicketStatus(command: SetTicketStatus, state: Ticket): TicketEvent[] {
  const v = new Violations();
  const to = oneOf(v, 'status', command.data.status, SETTABLE_STATUSES) ?? 'open';
  v.throwIfAny();
  assertNotClosed(state, 'change the status of');
  // Setting the current status again is a no-op, so clients and jobs can retry freely.
  if (to === state.status) return [];
  const { actor, now } = command;
  const reason: StatusChangeReason = actor.role === 'system' ? 'system' : 'agent';
  const events: TicketEvent[] = [];
  // Like Zendesk: a solved ticket has an owner, so CSAT can be attributed to someone.
  if (to === 'solved' && state.assigneeId === undefined && isAssignableRole(actor.role)) {
    events.push({ type: 'TicketAssigned', data: { agentId: actor.id, at: now } });
  }
  events.push(statusChanged(state.status, to, reason, now));
  if (state.status === 'solved') events.push(reopened(state, reason, now));
  return events;
}

function tagTicket(command: TagTicket, state: Ticket): TicketEvent[] {
  const v = new Violations();
  const add = normaliseTags(v, 'add', command.data.add);
  const remove = normaliseTags(v, 'remove', command.data.remove);
  const both = add.filter((t) => remove.includes(t));
  if (both.length) v.add('remove', `cannot add and remove the same tag: ${both.join(', ')}`);
  v.throwIfAny();
  assertNotClosed(state, 'tag');
  const added = add.filter((t) => !state.tags.includes(t));
  const removed = remove.filter((t) => state.tags.includes(t));
  if (state.tags.length - removed.length + added.length > LIMITS.tagsPerTicket) {
    throw DomainRuleError.validation([
      { field: 'add', message: `a ticket has at most ${LIMITS.tagsPerTicket} tags` },
    ]);
  }
  if (!added.length && !removed.length) return [];
  return [{ type: 'TicketTagged', data: { added, removed, at: command.now } }];
}

function setTicketPriority(command: SetTicketPriority, state: Ticket): TicketEvent[] {
  const v = new Violations();
  const to = oneOf(v, 'priority', command.data.priority, PRIORITIES) ?? state.priority;
  v.throwIfAny();
  assertNotClosed(state, 'change the priority of');
  if (to === state.priority) return [];
  return [{ type: 'TicketPriorityChanged', data: { from: state.priority, to, at: command.now } }];
}

function requestEscalation(command: RequestEscalation, state: Ticket): TicketEvent[] {
  const v = new Violations();
  const reason = requiredText(v, 'reason', command.data.reason, LIMITS.reasonChars);
  v.throwIfAny();
  assertNotClosed(state, 'escalate');
  if (nextTier(state.tier) === undefined) {
    throw DomainRuleError.invalidTransition(`Ticket ${state.id} is already with a supervisor (L3).`);
  }
  // One request at a time: asking again before it is handled changes nothing.
  if (state.escalationRequested) return [];
  const requestedBy = authorOf(command.actor);
  return [{ type: 'TicketEscalationRequested', data: { reason, requestedBy, at: command.now } }];
}

function escalateTicket(command: EscalateTicket, state: Ticket): TicketEvent[] {
  const { actor, now, data } = command;
  const v = new Violations();
  const reason = requiredText(v, 'reason', data.reason, LIMITS.reasonChars);
  if (absent(data.trigger) && actor.role === 'system')
    v.add('trigger', 'a system escalation must name its trigger');
  // The fallbacks after `??` are never used: an invalid value was recorded and throwIfAny throws.
  const trigger = absent(data.trigger)
    ? 'agent'
    : (oneOf(v, 'trigger', data.trigger, ESCALATION_TRIGGERS) ?? 'agent');
  const toTier = absent(data.toTier) ? undefined : oneOf(v, 'toTier', data.toTier, TIERS);
  v.throwIfAny();
  assertNotClosed(state, 'escalate');
  const target = toTier ?? nextTier(state.tier);
  if (!target) {
    throw DomainRuleError.invalidTransition(`Ticket ${state.id} is already at the highest tier (L3).`);
  }
  if (escalationLevelOf(target) <= escalationLevelOf(state.tier)) {
    throw DomainRuleError.invalidTransition(
      `Ticket ${state.id} is at ${state.tier}; escalation only goes up.`,
    );
  }
  const events: TicketEvent[] = [
    {
      type: 'TicketEscalated',
      data: {
        fromTier: state.tier,
        toTier: target,
        level: escalationLevelOf(target),
        reason,
        trigger,
        at: now,
      },
    },
  ];
  // The new tier's routing picks the agent; until then the ticket waits in that tier's queue.
  if (state.assigneeId !== undefined) {
    events.push({
      type: 'TicketUnassigned',
      data: { previousAgentId: state.assigneeId, reason: 'escalated', at: now },
    });
  }
  return events;
}

/**
 * The worker's close: a no-op unless the ticket is still solved and has been for the quiet period.
 * Jobs run at least once and may be stale (reopened meanwhile, already closed), so "nothing to do"
 * is an empty result, not an error; this is the one command a closed ticket does not refuse.
 */
function closeSolvedTicket(command: CloseSolvedTicket, state: Ticket): TicketEvent[] {
  const v = new Violations();
  const quiet = integerIn(
    v,
    'quietPeriodSeconds',
    command.data.quietPeriodSeconds,
    0,
    LIMITS.quietPeriodSeconds,
  );
  const now = Date.parse(command.now);
  if (Number.isNaN(now)) v.add('now', 'must be an ISO 8601 date-time');
  v.throwIfAny();
  if (state.status !== 'solved' || state.solvedAt === undefined) return [];
  if (now - Date.parse(state.solvedAt) < quiet * 1000) return [];
  return [
    statusChanged('solved', 'closed', 'auto_close', command.now),
    { type: 'TicketClosed', data: { solvedAt: state.solvedAt, at: command.now } },
  ];
}

function assertNotClosed(state: Ticket, what: string): void {
  if (state.status === 'closed') {
    throw DomainRuleError.invalidTransition(`Ticket ${state.number} is closed; you cannot ${what} it.`);
  }
}

function statusChanged(
  from: TicketStatus,
  to: TicketStatus,
  reason: StatusChangeReason,
  at: string,
): TicketStatusChanged {
  return { type: 'TicketStatusChanged', data: { from, to, reason, at } };
}

function reopened(state: Ticket, reason: StatusChangeReason, at: string): TicketReopened {
  return { type: 'TicketReopened', data: { count: state.reopenCount + 1, reason, at } };
}
