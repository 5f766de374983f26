import { Actor, CATEGORIES, Category, Priority } from '@kefu/kernel';
import { OpenTicketData } from './ticket.commands';
import { T0, actors, given, inStatus, openTicket, opened } from '@kefu/test-fixtures/domain';
import { defaultPriorityFor } from './ticket.types';

describe('OpenTicket', () => {
  it('a partner opens a ticket: defaults filled in, tags normalised, tier L1', () => {
    given([])
      .when(openTicket({ tags: ['VIP', ' vip ', 'card-2'], externalRef: 'ivr-778' }))
      .then([
        {
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
            tags: ['vip', 'card-2'],
            externalRef: 'ivr-778',
            tier: 'L1',
            openedBy: { kind: 'partner', id: 'call-centre', name: 'Call centre' },
            at: T0,
          },
        },
      ]);
  });

  it('the opened ticket is new, unassigned, at L1', () => {
    given([])
      .when(openTicket())
      .thenState({ exists: true, status: 'new', tier: 'L1', escalationLevel: 0, tags: [] });
  });

  it('a customer opens a ticket for their own account without naming it; channel defaults to web', () => {
    const events = given([])
      .when(openTicket({ customer: undefined, language: undefined }, actors.customer))
      .events();
    expect(events[0].data).toMatchObject({
      customer: { id: 'cust-1' },
      channel: 'web',
      language: 'en',
      openedBy: { kind: 'customer', id: 'cust-1', name: 'Li Wei' },
    });
  });

  it('keeps what was given: priority, channel, transaction (currency upper-cased), language in canonical case', () => {
    const events = given([])
      .when(
        openTicket({
          priority: 'urgent',
          channel: 'phone',
          language: 'zh-hant-tw',
          transaction: {
            id: 'tx-9',
            amount: 0,
            currency: 'cny',
            occurredAt: '2026-02-28T23:59:59Z',
            merchantId: 'm-1',
          },
        }),
      )
      .events();
    expect(events[0].data).toMatchObject({
      priority: 'urgent',
      channel: 'phone',
      language: 'zh-Hant-TW',
      transaction: {
        id: 'tx-9',
        amount: 0,
        currency: 'CNY',
        occurredAt: '2026-02-28T23:59:59Z',
        merchantId: 'm-1',
      },
    });
  });

  it('GraphQL nulls mean "not given"', () => {
    const nulls = {
      priority: null,
      channel: null,
      language: null,
      transaction: null,
      tags: null,
    } as unknown as Partial<OpenTicketData>;
    expect(given([]).when(openTicket(nulls)).events()[0].data).toMatchObject({
      priority: 'normal',
      language: 'en',
      tags: [],
    });
  });

  it.each([
    [1, 'KF-000001'],
    [123, 'KF-000123'],
    [999_999, 'KF-999999'],
    [1_234_567, 'KF-1234567'],
  ])('number %d is shown as %s', (number, shown) => {
    expect(given([]).when(openTicket({ number })).events()[0].data).toMatchObject({ number: shown });
  });

  // The table itself is pinned in ticket.types.spec.ts; here: the decider applies it.
  it.each(CATEGORIES.map((c) => [c, defaultPriorityFor(c)]))(
    'category %s defaults to priority %s',
    (category, priority) => {
      expect(given([]).when(openTicket({ category })).events()[0].data).toMatchObject({ priority });
    },
  );

  it('an explicit priority wins over the category default', () => {
    expect(
      given([])
        .when(openTicket({ category: 'account_stolen', priority: 'low' }))
        .events()[0].data,
    ).toMatchObject({
      priority: 'low',
    });
  });

  it.each([actors.agent, actors.supervisor, actors.admin, actors.system])(
    '%j may open tickets for a customer',
    (actor) => {
      expect(given([]).when(openTicket({}, actor)).events()).toHaveLength(1);
    },
  );

  it('staff, partners and the system must name the customer', () => {
    given([])
      .when(openTicket({ customer: undefined }, actors.agent))
      .thenThrows('validation_failed', 'customer.id');
    given([])
      .when(openTicket({ customer: undefined }, actors.partner))
      .thenThrows('validation_failed', 'customer.id');
  });

  it('a customer may not open a ticket for another account', () => {
    given([])
      .when(openTicket({ customer: { id: 'cust-2' } }, actors.customer))
      .thenThrows('forbidden');
  });

  it('a customer token without customerId may not open tickets', () => {
    const anonymous: Actor = { role: 'customer', id: 'user-9' };
    given([])
      .when(openTicket({ customer: undefined }, anonymous))
      .thenThrows('forbidden');
  });

  it('a ticket is opened once', () => {
    given([opened()]).when(openTicket()).thenThrows('invalid_transition');
    given(inStatus('closed')).when(openTicket()).thenThrows('invalid_transition');
  });

  const bad: [string, Partial<OpenTicketData>, string][] = [
    ['an empty subject', { subject: '  ' }, 'subject'],
    ['a 251-character subject', { subject: 'x'.repeat(251) }, 'subject'],
    ['an empty description', { description: '' }, 'description'],
    ['a description over 64 KiB', { description: '文'.repeat(22_000) }, 'description'],
    ['an unknown category', { category: 'lost_cat' as Category }, 'category'],
    ['an unknown priority', { priority: 'asap' as Priority }, 'priority'],
    ['an unknown channel', { channel: 'fax' as 'web' }, 'channel'],
    ['a language name', { language: 'english' }, 'language'],
    ['an underscore locale', { language: 'zh_CN' }, 'language'],
    ['a malformed tag', { tags: ['ok', 'Not OK'] }, 'tags[1]'],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['an empty customer id', { customer: { id: '' } }, 'customer.id'],
    ['a bad email', { customer: { id: 'c', email: 'nope' } }, 'customer.email'],
    ['a bad phone', { customer: { id: 'c', phone: 'call me' } }, 'customer.phone'],
    [
      'a two-letter currency',
      { transaction: { id: 'tx', amount: 1, currency: 'US' } },
      'transaction.currency',
    ],
    [
      'a currency with digits',
      { transaction: { id: 'tx', amount: 1, currency: 'US1' } },
      'transaction.currency',
    ],
    ['a negative amount', { transaction: { id: 'tx', amount: -1, currency: 'USD' } }, 'transaction.amount'],
    [
      'a fractional amount',
      { transaction: { id: 'tx', amount: 10.5, currency: 'USD' } },
      'transaction.amount',
    ],
    ['an empty transaction id', { transaction: { id: '', amount: 1, currency: 'USD' } }, 'transaction.id'],
    [
      'a bad occurredAt',
      { transaction: { id: 'tx', amount: 1, currency: 'USD', occurredAt: '28/02/2026' } },
      'transaction.occurredAt',
    ],
    ['a number of 0', { number: 0 }, 'number'],
    ['an empty ticket id', { ticketId: '' }, 'ticketId'],
  ];
  it.each(bad)('refuses %s', (_label, data, field) => {
    given([]).when(openTicket(data)).thenThrows('validation_failed', field);
  });

  it('reports every problem at once', () => {
    let errors: { field: string }[] = [];
    try {
      given([])
        .when(openTicket({ subject: '', category: 'x' as Category, language: '?' }))
        .events();
    } catch (e) {
      errors = (e as { errors: { field: string }[] }).errors;
    }
    expect(errors.map((e) => e.field)).toEqual(['subject', 'category', 'language']);
  });
});
