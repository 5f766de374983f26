import { TicketViewEvent, evolveTicketView, foldTicketView, ticketViewOf } from './ticket-view';

const at = (m: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + m * 60_000).toISOString();
const opened: TicketViewEvent = {
  streamId: 't-1',
  streamPosition: 1,
  type: 'TicketOpened',
  data: {
    ticketId: 't-1',
    number: 'KF-000001',
    subject: 's',
    description: 'd',
    category: 'fees',
    priority: 'normal',
    channel: 'web',
    language: 'en',
    customer: { id: 'c-1' },
    tags: ['a', 'b'],
    tier: 'L1',
    openedBy: { kind: 'partner', id: 'p-1', name: 'cc' },
    at: at(0),
  },
};
const ev = (streamPosition: number, type: string, data: Record<string, unknown>): TicketViewEvent => ({
  streamId: 't-1',
  streamPosition,
  type,
  data,
});

describe('ticket view fold', () => {
  const history = [
    opened,
    ev(2, 'PublicReplyAdded', {
      messageId: 'm1',
      body: 'hi',
      visibility: 'public',
      author: { kind: 'agent', id: 'a' },
      attachments: [],
      at: at(1),
    }),
    ev(3, 'InternalNoteAdded', {
      messageId: 'm2',
      body: 'n',
      visibility: 'internal',
      author: { kind: 'agent', id: 'a' },
      attachments: [],
      at: at(2),
    }),
    ev(4, 'TicketTagged', { added: ['c', 'a'], removed: ['a'], at: at(3) }),
    ev(5, 'TicketStatusChanged', { from: 'new', to: 'solved', at: at(4) }),
    ev(6, 'SomethingNewer', { at: at(5) }),
  ];

  it('folds a history into the view and the read model counters', () => {
    const v = foldTicketView(history)!;
    expect(v).toMatchObject({
      id: 't-1',
      status: 'solved',
      solvedAt: at(4),
      tags: ['b', 'c', 'a'],
      messageCount: 2,
      publicMessageCount: 1,
      firstAgentReplyAt: at(1),
      openedBy: { kind: 'partner', id: 'p-1' },
      updatedAt: at(4),
      version: 5, // an unknown event type changes nothing, not even the version
    });
    expect(ticketViewOf(v)).not.toHaveProperty('messageCount');
  });

  it('is idempotent: events at or below the version change nothing, before the opening nothing exists', () => {
    const v = foldTicketView(history)!;
    expect(foldTicketView(history, v)).toBe(v);
    expect(evolveTicketView(undefined, history[1])).toBeUndefined();
    // A fold continued from a prefix equals the whole fold (how batches continue a stored row).
    expect(foldTicketView(history.slice(3), foldTicketView(history.slice(0, 3)))).toEqual(v);
  });
});
