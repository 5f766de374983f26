import { Actor } from '@kefu/kernel';
import { deciderSpec } from '@kefu/test-fixtures/domain';
import { EscalationCommand, escalationDecider } from './escalation.decider';
import { EscalationEvent, EscalationRef } from './escalation.events';

const given = deciderSpec(escalationDecider);
const NOW = '2026-03-01T10:00:00.000Z';
const EARLIER = '2026-03-01T09:00:00.000Z';
const system: Actor = { role: 'system', id: 'kefu-worker' };
const esc = (id = 'e1', o: Partial<EscalationRef> = {}): EscalationRef => ({
  escalationId: id,
  ticketId: 't1',
  trigger: 'sla_breach',
  fromTier: 'L1',
  toTier: 'L2',
  ...o,
});
const route = (escalation: EscalationRef, agentId?: string): EscalationCommand => ({
  type: 'RouteEscalation',
  data: { escalation, ...(agentId ? { agentId, load: 2 } : {}) },
  actor: system,
  now: NOW,
});
const queued = (escalation: EscalationRef, at = EARLIER): EscalationEvent => ({
  type: 'EscalationQueued',
  data: { ...escalation, at },
});

describe('RouteEscalation', () => {
  it('routes to the chosen agent', () => {
    given([])
      .when(route(esc(), 'agent-7'))
      .then([
        {
          type: 'EscalationRouted',
          data: { ...esc(), agentId: 'agent-7', by: 'routing', load: 2, at: NOW },
        },
      ]);
  });

  it('queues when nobody is available, once', () => {
    given([])
      .when(route(esc()))
      .then([queued(esc(), NOW)]);
    given([queued(esc())])
      .when(route(esc()))
      .then([]);
  });

  it('routes a queued escalation later, remembering since when it waited', () => {
    const when = given([queued(esc())]).when(route(esc(), 'agent-7'));
    expect(when.events()[0].data).toMatchObject({ agentId: 'agent-7', queuedAt: EARLIER });
    when.thenState({ outcomes: { e1: 'routed' } });
    const state = when.events().reduce(escalationDecider.evolve, escalationDecider.initialState());
    expect(state.waiting).toBeUndefined();
  });

  it('never routes the same escalation twice (a redelivered job changes nothing)', () => {
    const routed = given([]).when(route(esc(), 'agent-7')).events();
    given(routed).when(route(esc(), 'agent-8')).then([]);
    given(routed).when(route(esc())).then([]);
  });

  it('a newer escalation supersedes the one still waiting', () => {
    const newer = esc('e2', { fromTier: 'L2', toTier: 'L3' });
    const events = given([queued(esc())])
      .when(route(newer))
      .events();
    expect(events.map((e) => e.type)).toEqual(['EscalationDequeued', 'EscalationQueued']);
    expect(events[0].data).toMatchObject({ escalationId: 'e1', reason: 'superseded', toTier: 'L2' });
    given([queued(esc())])
      .when(route(newer))
      .thenState({ waiting: { escalationId: 'e2', toTier: 'L3', queuedAt: NOW } });
  });
});

describe('DequeueEscalation', () => {
  const dequeue = (escalationId: string): EscalationCommand => ({
    type: 'DequeueEscalation',
    data: { escalationId, ticketId: 't1', reason: 'ticket_closed' },
    actor: system,
    now: NOW,
  });

  it('takes a waiting escalation out of the queue', () => {
    given([queued(esc())])
      .when(dequeue('e1'))
      .then([
        {
          type: 'EscalationDequeued',
          data: { escalationId: 'e1', ticketId: 't1', toTier: 'L2', reason: 'ticket_closed', at: NOW },
        },
      ]);
  });

  it('does nothing for an escalation that is not waiting', () => {
    given([]).when(dequeue('e1')).then([]);
    given([queued(esc())])
      .when(dequeue('e9'))
      .then([]);
  });
});
