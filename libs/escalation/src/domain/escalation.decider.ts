// One stream per ticket (`escalation-<ticketId>`): each escalation is routed or queued exactly once.
// Jobs run at least once and may race; a decision already made is an empty result, not an error.
import { Command, Decider, Tier } from '@kefu/kernel';
import { DequeueReason, EscalationEvent, EscalationRef } from './escalation.events';

export const ESCALATION_STREAM_TYPE = 'escalation';

export function escalationStreamId(ticketId: string): string {
  return `escalation-${ticketId}`;
}

export type EscalationOutcome = 'queued' | 'routed' | 'dequeued';

export interface EscalationState {
  outcomes: Record<string, EscalationOutcome>;
  /** The escalation waiting in a tier's queue, if any (at most one per ticket). */
  waiting?: { escalationId: string; toTier: Tier; queuedAt: string };
}

export interface RouteEscalationData {
  escalation: EscalationRef;
  /** The chosen agent; absent = nobody available, queue it. */
  agentId?: string;
  by?: 'routing' | 'already_assigned';
  load?: number;
}

export interface DequeueEscalationData {
  escalationId: string;
  ticketId: string;
  reason: DequeueReason;
}

export type RouteEscalation = Command<'RouteEscalation', RouteEscalationData>;
export type DequeueEscalation = Command<'DequeueEscalation', DequeueEscalationData>;
export type EscalationCommand = RouteEscalation | DequeueEscalation;

export function initialState(): EscalationState {
  return { outcomes: {} };
}

export function evolve(state: EscalationState, event: EscalationEvent): EscalationState {
  switch (event.type) {
    case 'EscalationQueued': {
      const d = event.data;
      return {
        outcomes: { ...state.outcomes, [d.escalationId]: 'queued' },
        waiting: { escalationId: d.escalationId, toTier: d.toTier, queuedAt: d.at },
      };
    }
    case 'EscalationRouted':
    case 'EscalationDequeued': {
      const id = event.data.escalationId;
      const outcome = event.type === 'EscalationRouted' ? 'routed' : 'dequeued';
      const { waiting, ...rest } = state;
      const keep = waiting && waiting.escalationId !== id ? { waiting } : {};
      return { ...rest, outcomes: { ...state.outcomes, [id]: outcome }, ...keep };
    }
    default:
      return ignoreUnknown(state, event);
  }
}

export function decide(command: EscalationCommand, state: EscalationState): EscalationEvent[] {
  const at = command.now;
  if (command.type === 'DequeueEscalation') {
    const { escalationId, ticketId, reason } = command.data;
    const w = state.waiting;
    if (!w || w.escalationId !== escalationId) return [];
    return [{ type: 'EscalationDequeued', data: { escalationId, ticketId, toTier: w.toTier, reason, at } }];
  }
  const { escalation, agentId } = command.data;
  const done = state.outcomes[escalation.escalationId];
  if (done === 'routed' || done === 'dequeued') return [];
  if (done === 'queued' && agentId === undefined) return [];
  const events: EscalationEvent[] = [];
  const w = state.waiting;
  // A newer escalation replaces the one still waiting (the ticket moved up again meanwhile).
  if (w && w.escalationId !== escalation.escalationId) {
    events.push({
      type: 'EscalationDequeued',
      data: {
        escalationId: w.escalationId,
        ticketId: escalation.ticketId,
        toTier: w.toTier,
        reason: 'superseded',
        at,
      },
    });
  }
  if (agentId === undefined) {
    events.push({ type: 'EscalationQueued', data: { ...escalation, at } });
  } else {
    const queuedAt = w?.escalationId === escalation.escalationId ? w.queuedAt : undefined;
    events.push({
      type: 'EscalationRouted',
      data: {
        ...escalation,
        agentId,
        by: command.data.by ?? 'routing',
        ...(command.data.load === undefined ? {} : { load: command.data.load }),
        ...(queuedAt === undefined ? {} : { queuedAt }),
        at,
      },
    });
  }
  return events;
}

export const escalationDecider: Decider<EscalationState, EscalationCommand, EscalationEvent> = {
  initialState,
  evolve,
  decide,
};

function ignoreUnknown(state: EscalationState, _event: never): EscalationState {
  return state;
}
