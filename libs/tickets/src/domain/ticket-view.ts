// The ticket view (ticket_view's row, and `ticket(asOf)`): one pure fold of the ticket's events,
// used by the ticket-view projection (inline, and on rebuild) and by the as-of read alike. Rows
// carry the stream version they reflect, so an event at or below it changes nothing.
import { SLA_TARGETS, SlaTargetName } from './ticket.sla.types';
import { SlaEvent, TicketEvent } from './ticket.events';
import { Author, TicketStatus, VIP_SEGMENT } from './ticket.types';
import { Category, Channel, CustomerRef, Priority, Tier, TransactionRef } from '@kefu/kernel';

/** A ticket as the read model holds it; REST and GraphQL map from this. */
export interface TicketView {
  id: string;
  number: string;
  subject: string;
  description: string;
  category: Category;
  priority: Priority;
  status: TicketStatus;
  channel: Channel;
  language: string;
  customer: CustomerRef;
  transaction: TransactionRef | null;
  tags: string[];
  /** The customer's segments (`vip`) as of opening: SLA policies and escalation routing match on them. */
  segments: string[];
  /** In the `vip` segment: first in its priority band in queues. */
  vip: boolean;
  tier: Tier;
  escalationLevel: number;
  assigneeId: string | null;
  openedBy: Author;
  externalRef: string | null;
  reopenCount: number;
  escalationRequested: boolean;
  sla: TicketSlaView;
  nextSlaDueAt: string | null;
  slaBreached: boolean;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  /** The stream version: moves with every event (subscriptions send each one once). */
  version: number;
  /** What clients see as `version` and pass back as expectedVersion (movesClientVersion below). */
  clientVersion: number;
}

export interface SlaTargetView {
  dueAt: string | null;
  status: 'active' | 'paused' | 'met' | 'breached' | 'cancelled';
  metAt: string | null;
  breachedAt: string | null;
  /** The deadline revision timers carry (absent on rows written before SLA clocks existed). */
  revision?: number;
  /** When the warning is due; null once warned or when the target is not running. */
  warnAt?: string | null;
}

/** Filled by the SLA module; until a policy applies, every target is absent. */
export interface TicketSlaView {
  policyId: string | null;
  firstResponse: SlaTargetView | null;
  nextResponse: SlaTargetView | null;
  resolution: SlaTargetView | null;
}

/** The view plus the counters only the read model keeps (message counts, first agent reply). */
export interface TicketViewRecord extends TicketView {
  messageCount: number;
  publicMessageCount: number;
  firstAgentReplyAt: string | null;
}

/** What the fold needs of a stored event (the platform's StoredEvent has it). */
export interface TicketViewEvent {
  streamId: string;
  streamPosition: number;
  type: string;
  data: unknown;
  /** The event's metadata; `origin` (client or system) is what the client version reads. */
  metadata?: object | null;
}

/** What the worker's routing writes on a ticket: bookkeeping, when the system actor writes it. */
export const ROUTING_EVENT_TYPES: readonly string[] = [
  'TicketAssigned',
  'TicketUnassigned',
  'TicketEscalated',
];

/**
 * Whether an event moves the ticket's client version (docs/adr/0014-client-versions.md): the last
 * change a person or a business rule made. The worker's own clock and routing events do not.
 */
export function movesClientVersion(e: Pick<TicketViewEvent, 'type' | 'metadata'>): boolean {
  // The SQL twin of this rule is the backfill in migration 1763769600017: keep them alike.
  const origin = (e.metadata as { origin?: unknown } | null | undefined)?.origin;
  // The SLA clocks move with a person's command (a reply meets a target) or on their own (timers).
  // Events written before origins were recorded have none: their SLA events count as the worker's.
  if (e.type.startsWith('Sla')) return origin === 'client';
  return !(origin === 'system' && ROUTING_EVENT_TYPES.includes(e.type));
}

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

/**
 * One event on the view: undefined before the ticket was opened; the view unchanged for an event at
 * or below its version (replays, retries) and for event types it does not know (no version bump).
 */
export function evolveTicketView(
  view: TicketViewRecord | undefined,
  s: TicketViewEvent,
): TicketViewRecord | undefined {
  if (view && s.streamPosition <= view.version) return view;
  const e = { type: s.type, data: s.data } as TicketEvent;
  if (e.type === 'TicketOpened') {
    if (view) return view;
    const d = e.data;
    return {
      id: s.streamId,
      number: d.number,
      subject: d.subject,
      description: d.description,
      category: d.category,
      priority: d.priority,
      status: 'new',
      channel: d.channel,
      language: d.language,
      customer: d.customer,
      transaction: d.transaction ?? null,
      tags: [...d.tags],
      segments: [...(d.segments ?? [])],
      vip: (d.segments ?? []).includes(VIP_SEGMENT),
      tier: d.tier,
      escalationLevel: 0,
      assigneeId: null,
      // The read model keeps the opener's kind and id only.
      openedBy: { kind: d.openedBy.kind, ...(d.openedBy.id ? { id: d.openedBy.id } : {}) },
      externalRef: d.externalRef ?? null,
      reopenCount: 0,
      escalationRequested: false,
      sla: NO_SLA,
      nextSlaDueAt: null,
      slaBreached: false,
      createdAt: d.at,
      updatedAt: d.at,
      solvedAt: null,
      closedAt: null,
      version: s.streamPosition,
      clientVersion: s.streamPosition,
      messageCount: 0,
      publicMessageCount: 0,
      firstAgentReplyAt: null,
    };
  }
  if (!view) return view;
  const next: TicketViewRecord = {
    ...view,
    version: s.streamPosition,
    clientVersion: movesClientVersion(s) ? s.streamPosition : view.clientVersion,
  };
  if (isSlaEvent(e)) {
    next.sla = applySlaEvent(view.sla, e);
    next.nextSlaDueAt = nextSlaDueAt(next.sla);
    next.slaBreached = view.slaBreached || e.type === 'SlaTargetBreached';
    next.updatedAt = e.data.at;
    return next;
  }
  switch (e.type) {
    case 'PublicReplyAdded':
    case 'InternalNoteAdded': {
      const pub = e.data.visibility === 'public';
      next.messageCount = view.messageCount + 1;
      if (pub) next.publicMessageCount = view.publicMessageCount + 1;
      if (pub && e.data.author.kind === 'agent' && view.firstAgentReplyAt === null)
        next.firstAgentReplyAt = e.data.at;
      break;
    }
    case 'TicketAssigned':
      next.assigneeId = e.data.agentId;
      break;
    case 'TicketUnassigned':
      next.assigneeId = null;
      break;
    case 'TicketStatusChanged': {
      const { to, at } = e.data;
      next.status = to;
      next.solvedAt = to === 'solved' ? at : to === 'closed' ? view.solvedAt : null;
      next.closedAt = to === 'closed' ? at : null;
      break;
    }
    case 'TicketReopened':
      next.reopenCount = e.data.count;
      break;
    case 'TicketTagged': {
      // Kept tags in order, then newly added ones.
      const removed = new Set(e.data.removed);
      const kept = view.tags.filter((t) => !removed.has(t));
      next.tags = [...kept, ...e.data.added.filter((t) => !kept.includes(t))];
      break;
    }
    case 'TicketPriorityChanged':
      next.priority = e.data.to;
      break;
    case 'TicketEscalationRequested':
      next.escalationRequested = true;
      break;
    case 'TicketEscalated':
      next.tier = e.data.toTier;
      next.escalationLevel = e.data.level;
      next.escalationRequested = false;
      break;
    case 'TicketClosed':
      next.closedAt = e.data.at;
      break;
    default:
      return unknownEvent(e, view);
  }
  next.updatedAt = e.data.at;
  return next;
}

/** Folds a stream's events (in stream order) onto a view, or from nothing. */
export function foldTicketView(
  events: Iterable<TicketViewEvent>,
  from?: TicketViewRecord,
): TicketViewRecord | undefined {
  let view = from;
  for (const s of events) view = evolveTicketView(view, s);
  return view;
}

/** The public view of a record: without the read model's own counters. */
export function ticketViewOf(r: TicketViewRecord): TicketView {
  const { messageCount: _m, publicMessageCount: _p, firstAgentReplyAt: _f, ...view } = r;
  return view;
}

function unknownEvent(_e: never, view: TicketViewRecord): TicketViewRecord {
  // A newer event type the view does not know yet: nothing changes.
  return view;
}
