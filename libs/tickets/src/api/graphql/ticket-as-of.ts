import { StoredEvent } from '@kefu/platform';
import { Page } from '../../application/ticket-queries';
import { MessageView, TicketView } from '../../application/ticket-view';
import { decodePageCursor, encodePageCursor } from '../../application/page-cursor';
import { TICKET_STREAM_TYPE } from '../../domain/ticket.decider';
import { TicketEvent } from '../../domain/ticket.events';
import { foldTicketView, ticketViewOf } from '../../domain/ticket-view';

// `ticket(id, asOf)`: the ticket as it stood at a time, folded from its events up to then with the
// very fold the ticket-view projection writes (domain/ticket-view.ts). Messages and the timeline of
// such a ticket come from the same events, so they stop at that time too.

/** The ticket view folded from its events (stream order), or undefined before it was opened. */
export function ticketViewFromEvents(events: readonly StoredEvent[]): TicketView | undefined {
  const view = foldTicketView(events.filter((s) => s.streamType === TICKET_STREAM_TYPE));
  return view && ticketViewOf(view);
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
