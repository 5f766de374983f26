import { TicketEvent } from './ticket.events';
import {
  NOW,
  actors,
  assigned,
  at,
  escalate,
  escalated,
  given,
  inStatus,
  requestEscalation,
  ticketState,
} from '@kefu/test-fixtures/domain';
import { ESCALATION_TRIGGERS } from './ticket.types';
import { Tier } from '@kefu/kernel';

const escalatedNow = (fromTier: Tier, toTier: Tier, level: number, trigger = 'agent'): TicketEvent =>
  ({
    type: 'TicketEscalated',
    data: { fromTier, toTier, level, reason: 'needs a senior', trigger, at: NOW },
  }) as TicketEvent;

describe('EscalateTicket', () => {
  it('raises L1 → L2 (level 1), then L2 → L3 (level 2)', () => {
    const first = given(inStatus('open')).when(escalate());
    first.then([escalatedNow('L1', 'L2', 1)]);
    first.thenState({ tier: 'L2', escalationLevel: 1 });

    const second = given([...inStatus('open'), escalated('L1', 'L2', 1)]).when(escalate());
    second.then([escalatedNow('L2', 'L3', 2)]);
    second.thenState({ tier: 'L3', escalationLevel: 2 });
  });

  it('refuses at L3: there is nobody above a supervisor', () => {
    const atL3 = [...inStatus('open'), escalated('L1', 'L2', 1), escalated('L2', 'L3', 2)];
    given(atL3).when(escalate()).thenThrows('invalid_transition');
    given(atL3)
      .when(escalate({ trigger: 'sla_breach' }, actors.system))
      .thenThrows('invalid_transition');
  });

  it('may jump straight to L3 (complaints, low survey scores)', () => {
    given(inStatus('solved'))
      .when(escalate({ toTier: 'L3', trigger: 'low_survey_score' }, actors.system))
      .then([escalatedNow('L1', 'L3', 2, 'low_survey_score')]);
  });

  it.each(['L1', 'L2'] as const)('refuses to "escalate" an L2 ticket to %s', (toTier) => {
    given([...inStatus('open'), escalated('L1', 'L2', 1)])
      .when(escalate({ toTier }))
      .thenThrows('invalid_transition');
  });

  it("hands an assigned ticket to the new tier's queue", () => {
    const when = given(inStatus('open', [assigned('agent-1')])).when(escalate());
    when.then([
      escalatedNow('L1', 'L2', 1),
      { type: 'TicketUnassigned', data: { previousAgentId: 'agent-1', reason: 'escalated', at: NOW } },
    ]);
    const history = inStatus('open', [assigned('agent-1')]);
    expect(ticketState([...history, ...when.events()])).not.toHaveProperty('assigneeId');
  });

  it('leaves the status alone', () => {
    given(inStatus('pending')).when(escalate()).thenState({ status: 'pending', tier: 'L2' });
  });

  it.each(ESCALATION_TRIGGERS)('records the trigger %s', (trigger) => {
    given(inStatus('open'))
      .when(escalate({ trigger }, actors.system))
      .then([escalatedNow('L1', 'L2', 1, trigger)]);
  });

  it.each([
    ['an empty reason', escalate({ reason: ' ' }), 'reason'],
    ['an unknown trigger', escalate({ trigger: 'boredom' as 'agent' }), 'trigger'],
    ['an unknown tier', escalate({ toTier: 'L4' as 'L3' }), 'toTier'],
    ['a system escalation without a trigger', escalate({}, actors.system), 'trigger'],
  ])('refuses %s', (_label, command, field) => {
    given(inStatus('open')).when(command).thenThrows('validation_failed', field);
  });

  it.each([actors.customer, actors.partner])('is refused to %j (they request it instead)', (actor) => {
    given(inStatus('open')).when(escalate({}, actor)).thenThrows('forbidden');
  });

  it.each([actors.agent, actors.senior, actors.supervisor, actors.admin])('is allowed to %j', (actor) => {
    expect(given(inStatus('open')).when(escalate({}, actor)).events()).toHaveLength(1);
  });
});

describe('RequestEscalation', () => {
  it('a customer asks for a more senior agent', () => {
    const when = given(inStatus('open')).when(requestEscalation());
    when.then([
      {
        type: 'TicketEscalationRequested',
        data: {
          reason: 'I want a manager',
          requestedBy: { kind: 'customer', id: 'cust-1', name: 'Li Wei' },
          at: NOW,
        },
      },
    ]);
    when.thenState({ escalationRequested: true, tier: 'L1' });
  });

  it("a partner asks on the customer's behalf", () => {
    expect(given(inStatus('open')).when(requestEscalation(actors.partner)).events()[0].data).toMatchObject({
      requestedBy: { kind: 'partner', id: 'call-centre' },
    });
  });

  it('asking again before it is handled changes nothing; after the escalation one may ask again', () => {
    const requested: TicketEvent = {
      type: 'TicketEscalationRequested',
      data: { reason: 'x', requestedBy: { kind: 'customer', id: 'cust-1' }, at: at(1) },
    };
    given([...inStatus('open'), requested])
      .when(requestEscalation())
      .then([]);
    const handled = [...inStatus('open'), requested, escalated('L1', 'L2', 1)];
    expect(ticketState(handled)).toMatchObject({ escalationRequested: false });
    expect(given(handled).when(requestEscalation()).events()).toHaveLength(1);
  });

  it('is refused at L3', () => {
    given([...inStatus('open'), escalated('L1', 'L3', 2)])
      .when(requestEscalation())
      .thenThrows('invalid_transition');
  });

  it('needs a reason', () => {
    given(inStatus('open'))
      .when(requestEscalation(actors.customer, ''))
      .thenThrows('validation_failed', 'reason');
  });

  it.each([actors.agent, actors.supervisor, actors.system])(
    'is refused to %j (staff escalate directly)',
    (actor) => {
      given(inStatus('open')).when(requestEscalation(actor)).thenThrows('forbidden');
    },
  );
});
