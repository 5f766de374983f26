// The read-model side of the SLA clocks: ticket_view.sla, next_sla_due_at and sla_breached, folded
// from the SLA events. One pure fold serves the projection and ticket(asOf).
import { SLA_TARGETS, SlaTargetName } from '../domain/ticket.sla.types';
import { SlaEvent, TicketEvent } from '../domain/ticket.events';
import { SlaTargetView, TicketSlaView } from './ticket-view';

export const NO_SLA: TicketSlaView = {
  policyId: null,
  firstResponse: null,
  nextResponse: null,
  resolution: null,
};

const FIELD: Record<SlaTargetName, 'firstResponse' | 'nextResponse' | 'resolution'> = {
  first_response: 'firstResponse',
  next_response: 'nextResponse',
  resolution: 'resolution',
};

const SLA_EVENT_TYPES: ReadonlySet<string> = new Set<SlaEvent['type']>([
  'SlaPolicyApplied',
  'SlaTargetStarted',
  'SlaTargetPaused',
  'SlaTargetResumed',
  'SlaTargetMet',
  'SlaTargetBreached',
  'SlaTargetWarned',
  'SlaTargetCancelled',
  'SlaTargetRecalculated',
]);

export function isSlaEvent(e: TicketEvent): e is SlaEvent {
  return SLA_EVENT_TYPES.has(e.type);
}

export function applySlaEvent(sla: TicketSlaView, e: SlaEvent): TicketSlaView {
  if (e.type === 'SlaPolicyApplied') return { ...sla, policyId: e.data.policyId };
  const field = FIELD[e.data.target];
  const cur: SlaTargetView = sla[field] ?? {
    dueAt: null,
    status: 'active',
    metAt: null,
    breachedAt: null,
  };
  let next: SlaTargetView;
  switch (e.type) {
    case 'SlaTargetStarted':
      next = {
        dueAt: e.data.dueAt,
        status: 'active',
        metAt: null,
        breachedAt: null,
        revision: e.data.revision,
        warnAt: e.data.warnAt,
      };
      break;
    case 'SlaTargetPaused':
      next = { ...cur, status: 'paused', dueAt: null, warnAt: null };
      break;
    case 'SlaTargetResumed':
      next = {
        ...cur,
        status: 'active',
        dueAt: e.data.dueAt,
        metAt: null,
        revision: e.data.revision,
        warnAt: e.data.warnAt,
      };
      break;
    case 'SlaTargetMet':
      next = { ...cur, status: 'met', metAt: e.data.at, warnAt: null };
      break;
    case 'SlaTargetBreached':
      next = { ...cur, status: 'breached', breachedAt: e.data.at, warnAt: null };
      break;
    case 'SlaTargetWarned':
      next = { ...cur, warnAt: null };
      break;
    case 'SlaTargetCancelled':
      next = { ...cur, status: 'cancelled', warnAt: null };
      break;
    case 'SlaTargetRecalculated':
      next = {
        ...cur,
        revision: e.data.revision,
        ...(e.data.dueAt ? { dueAt: e.data.dueAt } : {}),
        warnAt: e.data.warnAt,
      };
      break;
  }
  return { ...sla, [field]: next };
}

/** The earliest due time of an active target, or null (the column stores 'infinity'). */
export function nextSlaDueAt(sla: TicketSlaView): string | null {
  let min: string | null = null;
  for (const name of SLA_TARGETS) {
    const t = sla[FIELD[name]];
    if (t?.status !== 'active' || !t.dueAt) continue;
    if (min === null || Date.parse(t.dueAt) < Date.parse(min)) min = t.dueAt;
  }
  return min;
}

/** The view's target of a name. */
export function slaTargetOf(sla: TicketSlaView, name: SlaTargetName): SlaTargetView | null {
  return sla[FIELD[name]];
}
