import { ACTOR_ROLES, Actor } from '@kefu/kernel';
import { TicketCommand } from './ticket.commands';
import { TicketEvent } from './ticket.events';
import {
  NOW,
  actors,
  assign,
  assigned,
  at,
  closeSolved,
  escalate,
  everyCommandOnATicket,
  given,
  inStatus,
  AGENT_AUTHOR,
  ticketState,
  note,
  opened,
  reply,
  requestEscalation,
  setPriority,
  setStatus,
  tag,
} from '@kefu/test-fixtures/domain';
import { TICKET_PERMISSIONS } from './ticket.permissions';

describe('AddInternalNote', () => {
  it('adds an internal note without touching the status or the first-reply clock', () => {
    const when = given(inStatus('new')).when(note());
    when.then([
      {
        type: 'InternalNoteAdded',
        data: {
          messageId: 'm-2',
          body: 'Checked the ledger',
          attachments: [],
          author: AGENT_AUTHOR,
          visibility: 'internal',
          at: NOW,
        },
      },
    ]);
    when.thenState({ status: 'new', messageCount: 1 });
    expect(ticketState([...inStatus('new'), ...when.events()])).not.toHaveProperty('firstAgentReplyAt');
  });

  it.each([actors.customer, actors.partner])('is refused to %j', (actor) => {
    given(inStatus('open')).when(note(actor)).thenThrows('forbidden');
  });

  it('is allowed to the system (e.g. "merchant did not respond")', () => {
    expect(given(inStatus('open')).when(note(actors.system)).events()).toHaveLength(1);
  });
});

describe('AssignTicket', () => {
  it('assigns, then reassigns with the previous agent', () => {
    given(inStatus('open'))
      .when(assign('agent-1'))
      .then([{ type: 'TicketAssigned', data: { agentId: 'agent-1', at: NOW } }]);
    given(inStatus('open', [assigned('agent-1')]))
      .when(assign('agent-2'))
      .then([{ type: 'TicketAssigned', data: { agentId: 'agent-2', previousAgentId: 'agent-1', at: NOW } }]);
  });

  it('assigning the same agent again changes nothing', () => {
    given(inStatus('open', [assigned('agent-1')]))
      .when(assign('agent-1'))
      .then([]);
  });

  it('refuses an empty agent id', () => {
    given(inStatus('open')).when(assign(' ')).thenThrows('validation_failed', 'agentId');
  });
});

describe('TagTicket', () => {
  const tagged = (added: string[], removed: string[]): TicketEvent => ({
    type: 'TicketTagged',
    data: { added, removed, at: NOW },
  });

  it('normalises (trim, lower case) and dedupes what it adds', () => {
    const when = given(inStatus('open')).when(tag([' VIP ', 'vip', 'Refund-2026', 'wallet_v2']));
    when.then([tagged(['vip', 'refund-2026', 'wallet_v2'], [])]);
    when.thenState({ tags: ['vip', 'refund-2026', 'wallet_v2'] });
  });

  it('only adds tags that are missing and only removes tags that are there', () => {
    const history = [opened({ tags: ['vip', 'fraud'] })];
    given(history)
      .when(tag(['vip', 'new'], ['FRAUD', 'absent']))
      .then([tagged(['new'], ['fraud'])]);
    given(history)
      .when(tag(['vip', 'new'], ['FRAUD']))
      .thenState({ tags: ['vip', 'new'] });
  });

  it('changing nothing emits nothing', () => {
    given([opened({ tags: ['vip'] })])
      .when(tag(['VIP'], ['absent']))
      .then([]);
    given(inStatus('open')).when(tag()).then([]);
  });

  it.each([
    ['a malformed tag', tag(['ok', 'not ok!']), 'add[1]'],
    ['a tag starting with -', tag(['-x']), 'add[0]'],
    ['a 51-character tag', tag(['a'.repeat(51)]), 'add[0]'],
    ['a malformed removal', tag([], ['']), 'remove[0]'],
    ['adding and removing the same tag', tag(['vip'], ['VIP']), 'remove'],
  ])('refuses %s', (_label, command, field) => {
    given(inStatus('open')).when(command).thenThrows('validation_failed', field);
  });

  it('keeps at most 20 tags, counting what is removed at the same time', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    given([opened({ tags: twenty })])
      .when(tag(['one-more']))
      .thenThrows('validation_failed', 'add');
    given([opened({ tags: twenty })])
      .when(tag(['one-more'], ['t0']))
      .then([tagged(['one-more'], ['t0'])]);
  });
});

describe('SetTicketPriority', () => {
  it('changes the priority; the same priority is a no-op', () => {
    given(inStatus('open'))
      .when(setPriority('urgent'))
      .then([{ type: 'TicketPriorityChanged', data: { from: 'normal', to: 'urgent', at: NOW } }]);
    given(inStatus('open')).when(setPriority('normal')).then([]);
  });

  it('refuses an unknown priority', () => {
    given(inStatus('open'))
      .when(setPriority('asap' as 'low'))
      .thenThrows('validation_failed', 'priority');
  });
});

describe('closed is final', () => {
  it.each(everyCommandOnATicket().map((c) => [`${c.type} by ${c.actor.role}`, c] as const))(
    '%s → invalid_transition',
    (_label, command) => {
      given(inStatus('closed')).when(command).thenThrows('invalid_transition');
    },
  );

  it('the same commands are accepted on an open ticket (so the refusal above is about closed)', () => {
    for (const command of everyCommandOnATicket()) {
      expect(() =>
        given(inStatus('open', [assigned('agent-1')]))
          .when(command)
          .events(),
      ).not.toThrow();
    }
  });
});

describe('who may do what', () => {
  const commands = [...everyCommandOnATicket(), closeSolved(at(10_000))];
  const cases = commands.flatMap((c) =>
    ACTOR_ROLES.map((role) => [c.type, role, TICKET_PERMISSIONS[c.type].includes(role), c] as const),
  );
  const actorFor = (role: Actor['role']): Actor =>
    Object.values(actors).find((a) => a.role === role) ?? { role, id: `${role}-1` };

  it.each(cases)('%s by %s: allowed=%s', (_type, role, allowed, command) => {
    const when = given(inStatus('solved')).when({ ...command, actor: actorFor(role) } as TicketCommand);
    if (!allowed) return when.thenThrows('forbidden');
    expect(() => when.events()).not.toThrow();
  });

  it("customers and partners do not see other people's tickets: not_found, not forbidden", () => {
    given(inStatus('open')).when(reply(actors.otherCustomer)).thenThrows('not_found');
    given(inStatus('open')).when(reply(actors.otherPartner)).thenThrows('not_found');
    given(inStatus('open')).when(requestEscalation(actors.otherCustomer)).thenThrows('not_found');
    // A ticket an agent opened on the phone is not any partner's.
    const byAgent = [opened({ openedBy: { kind: 'agent', id: 'agent-1' } })];
    given(byAgent).when(reply(actors.partner)).thenThrows('not_found');
    expect(given(byAgent).when(reply(actors.customer)).events()).toHaveLength(1);
  });

  it('a customer token without customerId sees nothing', () => {
    given(inStatus('open'))
      .when(reply({ role: 'customer', id: 'user-1' }))
      .thenThrows('not_found');
  });

  it.each(everyCommandOnATicket().map((c) => [c.type, c] as const))(
    '%s on a ticket that does not exist → not_found',
    (_t, command) => {
      given([]).when(command).thenThrows('not_found');
    },
  );

  it('customers and partners are refused the staff commands', () => {
    const history = inStatus('open');
    given(history).when(note(actors.customer)).thenThrows('forbidden');
    given(history).when(escalate({}, actors.customer)).thenThrows('forbidden');
    given(history).when(setStatus('solved', actors.customer)).thenThrows('forbidden');
    given(history).when(assign('agent-1', actors.customer)).thenThrows('forbidden');
    given(history)
      .when(tag(['x'], [], actors.partner))
      .thenThrows('forbidden');
    given(history).when(setPriority('urgent', actors.customer)).thenThrows('forbidden');
    given(history).when(requestEscalation(actors.agent)).thenThrows('forbidden');
  });
});
