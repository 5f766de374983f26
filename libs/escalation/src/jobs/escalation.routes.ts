import { AGENT_STREAM_TYPE } from '@kefu/agents/domain';
import { JobName, StoredEvent, TimerJobRequest, jobId } from '@kefu/platform';
import {
  TICKET_STREAM_TYPE,
  TicketEscalatedData,
  TicketEscalationRequestedData,
  TicketReopenedData,
  TicketStatusChangedData,
} from '@kefu/tickets/domain';
import { Tier } from '@kefu/kernel';
import { EscalationTriggerData } from '../application/escalation-triggers';
import { EscalationRef } from '../domain/escalation.events';

/** The SLA module's breach event on the ticket stream (by its type string: no dependency on libs/sla). */
export const SLA_BREACHED_EVENT = 'SlaTargetBreached';

export interface SlaTargetBreachedData {
  target: string;
  revision?: number;
  dueAt?: string;
  at: string;
}

export type EscalateJobData = EscalationTriggerData;
export type RouteJobData = EscalationRef;
/** Which tier's queue to drain: given, or the tier of an agent, or of a ticket's assignee. */
export interface DrainJobData {
  tier?: Tier;
  agentId?: string;
  ticketId?: string;
}

export type RoutableEvent = Pick<StoredEvent, 'streamType' | 'streamId' | 'type' | 'data' | 'eventId'>;

function escalateJob(e: RoutableEvent, data: EscalateJobData): TimerJobRequest<EscalateJobData> {
  return {
    name: JobName.EscalateTicket,
    jobId: jobId('escalate', e.eventId),
    data,
  };
}

/** Triggers that escalate a ticket: an SLA breach, the customer's request, too many reopenings. */
export function triggerRoute(reopenThreshold: number) {
  return (e: RoutableEvent): TimerJobRequest<EscalateJobData> | undefined => {
    if (e.streamType !== TICKET_STREAM_TYPE) return undefined;
    const ticketId = e.streamId;
    switch (e.type) {
      case SLA_BREACHED_EVENT: {
        const d = e.data as SlaTargetBreachedData;
        const due = d.dueAt ? ` (due ${d.dueAt})` : '';
        return escalateJob(e, {
          ticketId,
          trigger: 'sla_breach',
          reason: `SLA ${d.target} target breached${due}`,
          breach: { target: d.target, eventId: e.eventId },
        });
      }
      case 'TicketEscalationRequested': {
        const d = e.data as TicketEscalationRequestedData;
        return escalateJob(e, { ticketId, trigger: 'customer_request', reason: d.reason });
      }
      case 'TicketReopened': {
        // "Reopened more than twice": once, when the count first passes the threshold.
        const d = e.data as TicketReopenedData;
        if (d.count !== reopenThreshold + 1) return undefined;
        return escalateJob(e, { ticketId, trigger: 'reopened', reason: `Reopened ${d.count} times` });
      }
      default:
        return undefined;
    }
  };
}

/** Every TicketEscalated, whatever its trigger or origin module, is routed in its new tier. */
export function routingRoute(e: RoutableEvent): TimerJobRequest<RouteJobData> | undefined {
  if (e.streamType !== TICKET_STREAM_TYPE || e.type !== 'TicketEscalated') return undefined;
  const d = e.data as TicketEscalatedData;
  return {
    name: JobName.RouteEscalation,
    jobId: jobId('route', e.eventId),
    data: {
      escalationId: e.eventId,
      ticketId: e.streamId,
      trigger: d.trigger,
      fromTier: d.fromTier,
      toTier: d.toTier,
    },
  };
}

/**
 * Someone may take waiting tickets now: an agent came online or changed profile (tier, languages,
 * categories, capacity), or an assigned ticket was solved or closed (its agent has room again).
 */
export function drainRoute(e: RoutableEvent): TimerJobRequest<DrainJobData> | undefined {
  const drain = (data: DrainJobData): TimerJobRequest<DrainJobData> => ({
    name: JobName.DrainEscalationQueue,
    jobId: jobId('drain', e.eventId),
    data,
  });
  if (e.streamType === AGENT_STREAM_TYPE) {
    const d = e.data as { agentId: string; available?: boolean };
    if (e.type === 'AgentAvailabilityChanged' && d.available === true) return drain({ agentId: d.agentId });
    if (e.type === 'AgentProfileUpdated') return drain({ agentId: d.agentId });
    return undefined;
  }
  if (e.streamType === TICKET_STREAM_TYPE && e.type === 'TicketStatusChanged') {
    const to = (e.data as TicketStatusChangedData).to;
    if (to === 'solved' || to === 'closed') return drain({ ticketId: e.streamId });
  }
  return undefined;
}
