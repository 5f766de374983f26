import { StoredEvent } from '@kefu/platform';
import { Page } from '../../application/ticket-queries';
import { MessageView, TicketView } from '../../application/ticket-view';
import { decodePageCursor, encodePageCursor } from '../../application/page-cursor';
import { TICKET_STREAM_TYPE } from '../../domain/ticket.decider';
import { TicketEvent } from '../../domain/ticket.events';
import { NO_SLA, applySlaEvent, isSlaEvent, nextSlaDueAt } from '../../application/sla-view';

// `ticket(id, asOf)`: the ticket as it stood at a time, folded from its events up to then with the
// same rules as the ticket-view projection (a pure, in-memory twin of it). Messages and the
// timeline of such a ticket come from the same events, so they stop at that time too.

function applyEvent(view: TicketView | undefined, s: StoredEvent): TicketView | undefined {
  const e = { type: s.type, data: s.data } as TicketEvent;
  if (e.type === 'TicketOpened') {
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
    };
  }
  if (!view) return view;
  const next: TicketView = { ...view, version: s.streamPosition };
  if (isSlaEvent(e)) {
    next.sla = applySlaEvent(view.sla, e);
    next.nextSlaDueAt = nextSlaDueAt(next.sla);
    next.slaBreached = view.slaBreached || e.type === 'SlaTargetBreached';
    next.updatedAt = e.data.at;
    return next;
  }
  switch (e.type) {
    case 'PublicReplyAdded':
    case 'InternalNoteAdded':
      break;
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
      // A newer event type the projection does not know either: nothing changes.
      return view;
  }
  const at = (s.data as { at?: unknown }).at;
  if (typeof at === 'string') next.updatedAt = at;
  return next;
}

/** The ticket view folded from its events (stream order), or undefined before it was opened. */
export function ticketViewFromEvents(events: readonly StoredEvent[]): TicketView | undefined {
  let view: TicketView | undefined;
  for (const s of events) if (s.streamType === TICKET_STREAM_TYPE) view = applyEvent(view, s);
  return view;
}

/** The conversation as of the events given (internal notes only when asked for). */
export function messagesFromEvents(events: readonly StoredEvent[], includeInternal: boolean): MessageView[] {
  const out: MessageView[] = [];
  for (const s of events) {
    const e = { type: s.type, data: s.data } as TicketEvent;
    if (e.type !== 'PublicReplyAdded' && !(includeInternal && e.type === 'InternalNoteAdded')) continue;
    const d = e.data;
    out.push({
      id: d.messageId,
      ticketId: s.streamId,
      body: d.body,
      visibility: d.visibility,
      author: d.author,
      attachments: d.attachments,
      createdAt: d.at,
      seq: s.streamPosition,
    });
  }
  return out;
}

/** A page of an in-memory list ordered by `seq`, with the same cursors TicketQueries uses. */
export function pageOf<T>(
  all: readonly T[],
  seqOf: (t: T) => number,
  idOf: (t: T) => string,
  first: number,
  after?: string | null,
): Page<T> {
  const afterSeq = after ? Number(decodePageCursor(after, 'seq').value) : 0;
  const rest = all.filter((t) => seqOf(t) > afterSeq);
  return {
    items: rest
      .slice(0, first)
      .map((node) => ({ cursor: encodePageCursor('seq', seqOf(node), idOf(node)), node })),
    hasNextPage: rest.length > first,
    totalCount: () => Promise.resolve(all.length),
  };
}
