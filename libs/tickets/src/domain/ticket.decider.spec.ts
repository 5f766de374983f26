import { ticketDecider } from './ticket.decider';
import { TicketEvent } from './ticket.events';
import {
  NOW,
  actors,
  assigned,
  at,
  changed,
  closeSolved,
  given,
  inStatus,
  statusChangedNow,
  reopenedNow,
  publicReply,
  CUSTOMER_AUTHOR,
  AGENT_AUTHOR,
  PARTNER_AUTHOR,
  ticketState,
  opened,
  reply,
  setStatus,
} from '@kefu/test-fixtures/domain';
import { TICKET_STATUSES, TicketStatus } from './ticket.types';

describe('SetTicketStatus: every status → status pair', () => {
  type Outcome = 'changes' | 'reopens' | 'no-op' | 'validation_failed' | 'invalid_transition';
  // Rows: from. Columns: to. `new` and `closed` are never settable; `closed` is final.
  const TABLE: Record<TicketStatus, Record<TicketStatus, Outcome>> = {
    // prettier-ignore
    new:     { new: 'validation_failed', open: 'changes', pending: 'changes', on_hold: 'changes', solved: 'changes', closed: 'validation_failed' },
    // prettier-ignore
    open:    { new: 'validation_failed', open: 'no-op',   pending: 'changes', on_hold: 'changes', solved: 'changes', closed: 'validation_failed' },
    // prettier-ignore
    pending: { new: 'validation_failed', open: 'changes', pending: 'no-op',   on_hold: 'changes', solved: 'changes', closed: 'validation_failed' },
    // prettier-ignore
    on_hold: { new: 'validation_failed', open: 'changes', pending: 'changes', on_hold: 'no-op',   solved: 'changes', closed: 'validation_failed' },
    // prettier-ignore
    solved:  { new: 'validation_failed', open: 'reopens', pending: 'reopens', on_hold: 'reopens', solved: 'no-op',   closed: 'validation_failed' },
    // prettier-ignore
    closed:  { new: 'validation_failed', open: 'invalid_transition', pending: 'invalid_transition', on_hold: 'invalid_transition', solved: 'invalid_transition', closed: 'validation_failed' },
  };
  const cases = TICKET_STATUSES.flatMap((from) =>
    TICKET_STATUSES.map((to) => [from, to, TABLE[from][to]] as const),
  );

  it.each(cases)('%s → %s: %s', (from, to, outcome) => {
    // Assigned, so solving does not also assign (covered below).
    const scenario = given(inStatus(from, [assigned('agent-1')])).when(setStatus(to));
    switch (outcome) {
      case 'changes':
        return scenario.then([statusChangedNow(from, to)]);
      case 'reopens':
        return scenario.then([statusChangedNow(from, to), reopenedNow(1, 'agent')]);
      case 'no-op':
        return scenario.then([]);
      case 'validation_failed':
        return scenario.thenThrows('validation_failed', 'status');
      case 'invalid_transition':
        return scenario.thenThrows('invalid_transition');
    }
  });

  it('a system job sets the status with reason system', () => {
    given(inStatus('open'))
      .when(setStatus('on_hold', actors.system))
      .then([statusChangedNow('open', 'on_hold', 'system')]);
  });

  it('solving an unassigned ticket assigns it to the solving agent', () => {
    given(inStatus('open'))
      .when(setStatus('solved'))
      .then([
        { type: 'TicketAssigned', data: { agentId: 'agent-1', at: NOW } },
        statusChangedNow('open', 'solved'),
      ]);
  });

  it.each([actors.admin, actors.system])('solving by %j leaves an unassigned ticket unassigned', (actor) => {
    const events = given(inStatus('open')).when(setStatus('solved', actor)).events();
    expect(events.map((e) => e.type)).toEqual(['TicketStatusChanged']);
  });

  it('solving records solvedAt; leaving solved clears it', () => {
    given(inStatus('open')).when(setStatus('solved')).thenState({ status: 'solved', solvedAt: NOW });
    const leaves = given(inStatus('solved')).when(setStatus('pending'));
    leaves.thenState({ status: 'pending', reopenCount: 1 });
    expect(leaves.events().reduce(ticketDecider.evolve, ticketState(inStatus('solved')))).not.toHaveProperty(
      'solvedAt',
    );
  });
});

describe('ReplyToTicket', () => {
  it('the first agent reply opens a new ticket and starts nothing else', () => {
    const when = given(inStatus('new')).when(reply(actors.agent));
    when.then([publicReply(AGENT_AUTHOR), statusChangedNow('new', 'open', 'agent_replied')]);
    when.thenState({ status: 'open', firstAgentReplyAt: NOW, messageCount: 1 });
  });

  it.each(['open', 'pending', 'on_hold', 'solved'] as const)(
    'an agent reply on %s leaves the status',
    (status) => {
      given(inStatus(status))
        .when(reply(actors.agent))
        .then([publicReply(AGENT_AUTHOR)]);
    },
  );

  it('a later agent reply keeps the first reply time', () => {
    const history = [...inStatus('new'), publicReply(AGENT_AUTHOR), changed('new', 'open')];
    given(history)
      .when({ ...reply(actors.agent), now: at(500) })
      .thenState({ firstAgentReplyAt: NOW });
  });

  it.each([
    ['customer', actors.customer, CUSTOMER_AUTHOR],
    ['partner', actors.partner, PARTNER_AUTHOR],
  ] as const)('a %s reply', (_label, actor, author) => {
    given(inStatus('new'))
      .when(reply(actor))
      .then([publicReply(author)]);
    given(inStatus('open'))
      .when(reply(actor))
      .then([publicReply(author)]);
    given(inStatus('on_hold'))
      .when(reply(actor))
      .then([publicReply(author)]);
    // Pending is the normal back-and-forth: back to open, but not a reopen.
    given(inStatus('pending'))
      .when(reply(actor))
      .then([publicReply(author), statusChangedNow('pending', 'open', 'customer_replied')]);
    given(inStatus('solved'))
      .when(reply(actor))
      .then([
        publicReply(author),
        statusChangedNow('solved', 'open', 'customer_replied'),
        reopenedNow(1, 'customer_replied'),
      ]);
  });

  it('counts every reopen, so escalation can see "reopened more than twice"', () => {
    const reopenedAt = (count: number, minutes: number): TicketEvent => ({
      type: 'TicketReopened',
      data: { count, reason: 'customer_replied', at: at(minutes) },
    });
    const twice = [
      ...inStatus('solved'),
      changed('solved', 'open', 2),
      reopenedAt(1, 2),
      changed('open', 'solved', 3),
      changed('solved', 'open', 4),
      reopenedAt(2, 4),
      changed('open', 'solved', 5),
    ];
    const when = given(twice).when(reply(actors.customer));
    when.then([
      publicReply(CUSTOMER_AUTHOR),
      statusChangedNow('solved', 'open', 'customer_replied'),
      reopenedNow(3, 'customer_replied'),
    ]);
    when.thenState({ reopenCount: 3, status: 'open' });
  });

  it('system notices never move the status', () => {
    given(inStatus('pending'))
      .when(reply(actors.system))
      .then([publicReply({ kind: 'system', id: 'kefu' })]);
  });

  it('keeps normalised attachments', () => {
    const sha = 'A'.repeat(64);
    const file = {
      name: 'receipt.png',
      contentType: 'Image/PNG',
      size: 1024,
      url: 'https://files.example/r.png',
      sha256: sha,
    };
    const events = given(inStatus('open'))
      .when(reply(actors.customer, 'see attached', [file]))
      .events();
    expect(events[0].data).toMatchObject({
      attachments: [{ ...file, contentType: 'image/png', sha256: 'a'.repeat(64) }],
    });
  });

  it.each([
    ['an empty body', reply(actors.customer, ''), 'body'],
    ['a blank body', reply(actors.customer, ' \n\t '), 'body'],
    ['a body over 64 KiB', reply(actors.customer, 'a'.repeat(64 * 1024 + 1)), 'body'],
    // 21,846 × 3 bytes: fewer than 64 Ki characters, more than 64 KiB.
    ['a multi-byte body over 64 KiB', reply(actors.customer, '€'.repeat(21_846)), 'body'],
    [
      'an attachment without URL',
      reply(actors.customer, 'x', [{ name: 'a', contentType: 'text/plain', size: 1, url: '' }]),
      'attachments[0].url',
    ],
    [
      'a non-http URL',
      reply(actors.customer, 'x', [
        { name: 'a', contentType: 'text/plain', size: 1, url: 'file:///etc/passwd' },
      ]),
      'attachments[0].url',
    ],
    [
      'a negative size',
      reply(actors.customer, 'x', [{ name: 'a', contentType: 'text/plain', size: -1, url: 'https://f/a' }]),
      'attachments[0].size',
    ],
    [
      'a bad media type',
      reply(actors.customer, 'x', [{ name: 'a', contentType: 'png', size: 1, url: 'https://f/a' }]),
      'attachments[0].contentType',
    ],
    [
      'a bad sha256',
      reply(actors.customer, 'x', [
        { name: 'a', contentType: 'text/plain', size: 1, url: 'https://f/a', sha256: 'abc' },
      ]),
      'attachments[0].sha256',
    ],
    [
      '21 attachments',
      reply(
        actors.customer,
        'x',
        Array.from({ length: 21 }, () => ({
          name: 'a',
          contentType: 'text/plain',
          size: 1,
          url: 'https://f/a',
        })),
      ),
      'attachments',
    ],
  ])('refuses %s', (_label, command, field) => {
    given(inStatus('open')).when(command).thenThrows('validation_failed', field);
  });

  it('accepts a body of exactly 64 KiB', () => {
    expect(
      given(inStatus('open'))
        .when(reply(actors.customer, 'a'.repeat(64 * 1024)))
        .events(),
    ).toHaveLength(1);
  });
});

describe('CloseSolvedTicket (the worker, after the quiet period)', () => {
  const solvedAtMinute1 = inStatus('solved');

  it('before the quiet period: nothing to do', () => {
    given(solvedAtMinute1)
      .when(closeSolved(at(60), 3600))
      .then([]);
  });

  it.each([at(61), at(5000)])('at or after the quiet period (%s): closes', (now) => {
    const when = given(solvedAtMinute1).when(closeSolved(now, 3600));
    when.then([
      { type: 'TicketStatusChanged', data: { from: 'solved', to: 'closed', reason: 'auto_close', at: now } },
      { type: 'TicketClosed', data: { solvedAt: at(1), at: now } },
    ]);
    when.thenState({ status: 'closed', solvedAt: at(1) });
  });

  it('measures from the latest solve, not the first', () => {
    const resolved = [...solvedAtMinute1, changed('solved', 'open', 2), changed('open', 'solved', 100)];
    given(resolved)
      .when(closeSolved(at(130), 3600))
      .then([]);
    expect(
      given(resolved)
        .when(closeSolved(at(160), 3600))
        .events(),
    ).toHaveLength(2);
  });

  it.each(['new', 'open', 'pending', 'on_hold', 'closed'] as const)(
    'a %s ticket: nothing to do (stale job)',
    (status) => {
      given(inStatus(status))
        .when(closeSolved(at(10_000)))
        .then([]);
    },
  );

  it("is the worker's alone", () => {
    given(solvedAtMinute1)
      .when(closeSolved(at(10_000), 0, actors.supervisor))
      .thenThrows('forbidden');
  });

  it('refuses a negative quiet period or a bad clock', () => {
    given(solvedAtMinute1)
      .when(closeSolved(at(100), -1))
      .thenThrows('validation_failed', 'quietPeriodSeconds');
    given(solvedAtMinute1).when(closeSolved('yesterday')).thenThrows('validation_failed', 'now');
  });
});

describe('evolve', () => {
  it('ignores events before TicketOpened and event types it does not know', () => {
    const unknown = { type: 'TicketFrobnicated', data: {} } as unknown as TicketEvent;
    expect(ticketState([changed('new', 'open')])).toEqual({ exists: false });
    expect(ticketState([opened(), unknown])).toEqual(ticketState([opened()]));
  });

  it('starts a ticket new, at L1, level 0, unassigned', () => {
    expect(ticketState([opened()])).toMatchObject({
      exists: true,
      id: 't-1',
      number: 'KF-000042',
      status: 'new',
      tier: 'L1',
      escalationLevel: 0,
      reopenCount: 0,
      customerId: 'cust-1',
    });
    expect(ticketState([opened()])).not.toHaveProperty('assigneeId');
  });
});
