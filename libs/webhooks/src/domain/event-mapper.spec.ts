import { ticketDecider, TICKET_EVENT_TYPES, TicketEvent } from '@kefu/tickets/domain';
import {
  actors,
  assign,
  escalate,
  everyCommandOnATicket,
  note,
  openTicket,
  reply,
  setStatus,
} from '@kefu/test-fixtures/domain';
import { MAPPED_TICKET_EVENT_TYPES, TicketRef, publicTypeOf, toPublicEvent } from './event-mapper';
import { maskCustomer, maskEmail, maskName, maskPhone } from './masking';
import { isPublicEventType } from '@kefu/platform/domain';

const ticket: TicketRef = { id: 't-1', number: 'KF-000042', channel: 'phone', externalRef: 'CC-7' };
const SECRET = 'INTERNAL-ONLY-7f3a: the customer is on the fraud watchlist';

/** Runs commands through the real decider and returns every event, as the log would hold them. */
function history(...commands: Parameters<typeof ticketDecider.decide>[0][]): TicketEvent[] {
  const events: TicketEvent[] = [];
  let state = ticketDecider.initialState();
  for (const c of commands) {
    for (const e of ticketDecider.decide(c, state)) {
      events.push(e);
      state = ticketDecider.evolve(state, e);
    }
  }
  return events;
}

const map = (events: TicketEvent[]) =>
  events.map((e, i) =>
    toPublicEvent({ eventId: `e-${i}`, type: e.type, data: e.data, recordedAt: new Date(0), ticket }),
  );

describe('public event mapping', () => {
  it('maps exactly the five public ticket types, and everything maps to an API.md type', () => {
    expect(Object.fromEntries(TICKET_EVENT_TYPES.map((t) => [t, publicTypeOf(t)]))).toEqual({
      TicketOpened: 'ticket.created',
      PublicReplyAdded: 'ticket.message_added',
      InternalNoteAdded: undefined,
      TicketAssigned: 'ticket.assigned',
      TicketUnassigned: undefined,
      TicketStatusChanged: 'ticket.status_changed',
      TicketReopened: undefined,
      TicketTagged: undefined,
      TicketPriorityChanged: undefined,
      TicketEscalationRequested: undefined,
      TicketEscalated: 'ticket.escalated',
      TicketClosed: undefined,
      SlaPolicyApplied: undefined,
      SlaTargetStarted: undefined,
      SlaTargetPaused: undefined,
      SlaTargetResumed: undefined,
      SlaTargetMet: undefined,
      SlaTargetBreached: 'ticket.sla_breached',
      SlaTargetWarned: 'ticket.sla_warning',
      SlaTargetCancelled: undefined,
      SlaTargetRecalculated: undefined,
    });
    expect(MAPPED_TICKET_EVENT_TYPES.every((t) => isPublicEventType(publicTypeOf(t)))).toBe(true);
    expect(publicTypeOf('toString')).toBeUndefined();
    expect(publicTypeOf('__proto__')).toBeUndefined();
  });

  it('ticket.created: ticket reference, masked customer, id kept, no author internals', () => {
    const [opened] = history(
      openTicket({
        customer: {
          id: 'acc-88231',
          name: 'Li Wei',
          email: 'li.wei@example.com',
          phone: '+86 138 0000 1234',
        },
        transaction: { id: 'tx-1', amount: 1050, currency: 'CNY' },
        externalRef: 'CC-7',
      }),
    );
    const p = toPublicEvent({
      eventId: 'evt-1',
      type: opened.type,
      data: opened.data,
      recordedAt: new Date(0),
      ticket,
    })!;
    expect(p).toEqual({
      id: 'evt-1',
      type: 'ticket.created',
      occurredAt: '2026-03-01T09:00:00.000Z',
      data: {
        ticket: {
          id: 't-1',
          number: 'KF-000042',
          channel: 'phone',
          externalRef: 'CC-7',
          subject: 'Payment failed at the checkout',
          description: 'The app said "network error" but my balance went down.',
          category: 'payment_failed',
          priority: 'normal',
          status: 'new',
          language: 'zh-CN',
          tier: 'L1',
          tags: [],
          customer: { id: 'acc-88231', name: 'L***', email: 'l***@example.com', phone: '*******1234' },
          transaction: { id: 'tx-1', amount: 1050, currency: 'CNY' },
        },
      },
    });
    const text = JSON.stringify(p);
    for (const pii of ['Li Wei', 'li.wei@', '138 0000', '13800001234', 'openedBy'])
      expect(text).not.toContain(pii);
  });

  it('ticket.message_added carries the public reply; a customer author name is masked', () => {
    const events = history(
      openTicket(),
      reply(actors.customer, 'Still nothing on my card'),
      reply(actors.agent, 'Refund sent'),
    );
    const [, fromCustomer, fromAgent] = map(events).filter(Boolean);
    expect(fromCustomer!.type).toBe('ticket.message_added');
    expect(fromCustomer!.data).toMatchObject({
      ticket: { id: 't-1', number: 'KF-000042' },
      message: {
        body: 'Still nothing on my card',
        author: { kind: 'customer', name: 'L***' },
        attachments: [],
      },
    });
    expect(JSON.stringify(fromCustomer)).not.toContain('Li Wei');
    expect(fromAgent!.data).toMatchObject({
      message: { body: 'Refund sent', author: { kind: 'agent', id: 'agent-1', name: 'Ana' } },
    });
  });

  it('status changes, assignments and escalations carry the change but not the free-text escalation reason', () => {
    const events = history(
      openTicket(),
      assign('agent-2'),
      setStatus('pending'),
      escalate({ reason: SECRET }, actors.agent),
    );
    const out = map(events).filter(Boolean);
    expect(out.map((p) => p!.type)).toEqual([
      'ticket.created',
      'ticket.assigned',
      'ticket.status_changed',
      'ticket.escalated',
    ]);
    expect(out[1]!.data).toEqual({
      ticket: { id: 't-1', number: 'KF-000042', channel: 'phone', externalRef: 'CC-7' },
      agentId: 'agent-2',
      previousAgentId: null,
    });
    expect(out[2]!.data).toMatchObject({ from: expect.any(String), to: 'pending', reason: 'agent' });
    expect(out[3]!.data).toMatchObject({ fromTier: 'L1', toTier: 'L2', level: 1, trigger: 'agent' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('SLA warnings and breaches: the ticket reference, the target and its due time', () => {
    const ticket = { id: 't-1', number: 'KF-000042', channel: 'phone', externalRef: 'CC-7' };
    const dueAt = '2026-03-01T10:00:00.000Z';
    const at = '2026-03-01T10:00:00.300Z';
    for (const [type, publicType] of [
      ['SlaTargetBreached', 'ticket.sla_breached'],
      ['SlaTargetWarned', 'ticket.sla_warning'],
    ] as const) {
      const out = toPublicEvent({
        eventId: 'e-1',
        type,
        data: { target: 'first_response', revision: 3, dueAt, at },
        recordedAt: at,
        ticket,
      });
      expect(out).toEqual({
        id: 'e-1',
        type: publicType,
        occurredAt: at,
        data: { ticket, target: 'first_response', dueAt },
      });
    }
  });

  it('no text of an internal note reaches any public payload, whatever else happens to the ticket', () => {
    const commands = [
      openTicket(),
      note(actors.agent, SECRET),
      ...everyCommandOnATicket(),
      note(actors.supervisor, `${SECRET} (again)`),
      reply(actors.agent, 'Public answer'),
      setStatus('solved'),
    ];
    const events = history(...commands);
    expect(events.filter((e) => e.type === 'InternalNoteAdded').length).toBeGreaterThanOrEqual(3);
    const out = map(events);
    // Internal notes map to nothing…
    events.forEach((e, i) => {
      if (e.type === 'InternalNoteAdded') expect(out[i]).toBeUndefined();
    });
    // …and their text appears nowhere, in any payload.
    const all = JSON.stringify(out);
    expect(all).not.toContain('INTERNAL-ONLY');
    expect(all).not.toContain('Checked the ledger'); // the fixture's default note text
    expect(out.filter(Boolean).length).toBeGreaterThan(5);
  });

  it('an internal message forged under the public type is still refused', () => {
    const forged = {
      messageId: 'm',
      body: SECRET,
      attachments: [],
      author: { kind: 'agent' },
      visibility: 'internal',
      at: '2026-01-01T00:00:00Z',
    };
    expect(
      toPublicEvent({
        eventId: 'x',
        type: 'PublicReplyAdded',
        data: forged,
        recordedAt: new Date(0),
        ticket,
      }),
    ).toBeUndefined();
  });

  it('copies only allow-listed fields: extra fields on domain events stay private', () => {
    const [opened] = history(openTicket());
    const data = {
      ...(opened.data as object),
      secretScore: 99,
      customer: { id: 'c', name: 'Zhang San', riskFlag: 'high' },
    };
    const text = JSON.stringify(
      toPublicEvent({ eventId: 'x', type: 'TicketOpened', data, recordedAt: new Date(0), ticket }),
    );
    expect(text).not.toContain('secretScore');
    expect(text).not.toContain('riskFlag');
    expect(text).not.toContain('Zhang San');
  });
});

describe('masking', () => {
  it('masks names, emails and phones', () => {
    expect(maskName('Li Wei')).toBe('L***');
    expect(maskName('王小明')).toBe('王***');
    expect(maskName('   ')).toBe('***');
    expect(maskEmail('li.wei@example.com')).toBe('l***@example.com');
    expect(maskEmail('no-at-sign')).toBe('n***');
    expect(maskEmail('@example.com')).toBe('@***');
    expect(maskPhone('+86 138 0000 0000')).toBe('*******0000');
    expect(maskPhone('12')).toBe('*******');
    expect(maskCustomer({ id: 'acc-1' })).toEqual({ id: 'acc-1' });
  });
});
