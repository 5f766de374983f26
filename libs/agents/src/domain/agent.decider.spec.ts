import { Actor, Category, Tier } from '@kefu/kernel';
import { deciderSpec } from '@kefu/test-fixtures/domain';
import { AgentCommand, RegisterAgentData } from './agent.commands';
import { agentDecider } from './agent.decider';
import { AgentEvent, AgentRegistered } from './agent.events';

const given = deciderSpec(agentDecider);
const NOW = '2026-03-01T10:00:00.000Z';

const admin: Actor = { role: 'admin', id: 'admin-1' };
const supervisor: Actor = { role: 'supervisor', id: 'sup-1' };
const system: Actor = { role: 'system', id: 'kefu' };
const ana: Actor = { role: 'agent', id: 'agent-1', name: 'Ana' };
const ben: Actor = { role: 'agent', id: 'agent-2' };
const senior: Actor = { role: 'senior_agent', id: 'agent-1' };
const customer: Actor = { role: 'customer', id: 'user-1', customerId: 'cust-1' };
const partner: Actor = { role: 'partner', id: 'call-centre' };

const register = (data: Partial<RegisterAgentData> = {}, actor: Actor = admin): AgentCommand => ({
  type: 'RegisterAgent',
  data: { agentId: 'agent-1', name: 'Ana', tier: 'L1', languages: ['zh-CN', 'en'], ...data },
  actor,
  now: NOW,
});
const setAvailable = (available: boolean, actor: Actor = ana): AgentCommand => ({
  type: 'SetAgentAvailability',
  data: { available },
  actor,
  now: NOW,
});

const registered = (overrides: Partial<AgentRegistered['data']> = {}): AgentEvent => ({
  type: 'AgentRegistered',
  data: {
    agentId: 'agent-1',
    name: 'Ana',
    tier: 'L1',
    languages: ['zh-CN', 'en'],
    categories: [],
    maxOpenTickets: 10,
    available: false,
    at: '2026-03-01T09:00:00.000Z',
    ...overrides,
  },
});
const availabilityChanged = (available: boolean): AgentEvent => ({
  type: 'AgentAvailabilityChanged',
  data: { agentId: 'agent-1', available, at: NOW },
});

describe('RegisterAgent', () => {
  it('registers with defaults: every category, 10 open tickets, not yet available', () => {
    const when = given([]).when(register());
    when.then([{ ...registered(), data: { ...registered().data, at: NOW } } as AgentEvent]);
    when.thenState({
      exists: true,
      agentId: 'agent-1',
      available: false,
      maxOpenTickets: 10,
      categories: [],
    });
  });

  it('normalises languages (canonical case, deduped, order kept) and categories (a set)', () => {
    const events = given([])
      .when(
        register({
          languages: ['EN', 'zh-cn', 'en'],
          categories: ['refund', 'account_locked', 'refund'],
          maxOpenTickets: 1000,
        }),
      )
      .events();
    expect(events[0].data).toMatchObject({
      languages: ['en', 'zh-CN'],
      categories: ['account_locked', 'refund'],
      maxOpenTickets: 1000,
    });
  });

  it('re-registering updates the profile with what changed; omitted fields keep their value', () => {
    const history = [registered({ categories: ['refund'], maxOpenTickets: 25 })];
    const when = given(history).when(register({ name: 'Ana Lima', tier: 'L2' }));
    when.then([
      {
        type: 'AgentProfileUpdated',
        data: {
          agentId: 'agent-1',
          name: 'Ana Lima',
          tier: 'L2',
          languages: ['zh-CN', 'en'],
          categories: ['refund'],
          maxOpenTickets: 25,
          changed: ['name', 'tier'],
          at: NOW,
        },
      },
    ]);
    when.thenState({
      name: 'Ana Lima',
      tier: 'L2',
      categories: ['refund'],
      maxOpenTickets: 25,
      available: false,
    });
  });

  it('an explicit empty category list means "all" again', () => {
    const events = given([registered({ categories: ['refund'] })])
      .when(register({ categories: [] }))
      .events();
    expect(events[0].data).toMatchObject({ categories: [], changed: ['categories'] });
  });

  it('re-registering the same profile (in any category order, any case) changes nothing', () => {
    const history = [registered({ categories: ['account_locked', 'refund'] })];
    given(history)
      .when(register({ languages: ['ZH-cn', 'EN'], categories: ['refund', 'account_locked'] }))
      .then([]);
  });

  it('re-registering keeps the availability', () => {
    const history = [registered(), availabilityChanged(true)];
    given(history)
      .when(register({ name: 'Ana L.' }))
      .thenState({ available: true, name: 'Ana L.' });
  });

  it.each([admin, supervisor, system])('%j may register anyone at any tier', (actor) => {
    expect(
      given([])
        .when(register({ agentId: 'agent-9', tier: 'L3' }, actor))
        .events(),
    ).toHaveLength(1);
  });

  it('agents may register themselves at their own tier', () => {
    expect(given([]).when(register({}, ana)).events()).toHaveLength(1);
    expect(
      given([])
        .when(register({ tier: 'L2' }, senior))
        .events(),
    ).toHaveLength(1);
  });

  it.each([
    ['another agent', register({}, ben)],
    ['themselves at a higher tier', register({ tier: 'L3' }, ana)],
    ['a senior agent at L1', register({ tier: 'L1' }, senior)],
    ['a customer', register({}, customer)],
    ['a partner', register({}, partner)],
  ])('refuses registration by %s', (_label, command) => {
    given([]).when(command).thenThrows('forbidden');
  });

  const bad: [string, Partial<RegisterAgentData>, string][] = [
    ['an empty id', { agentId: ' ' }, 'agentId'],
    ['an empty name', { name: '' }, 'name'],
    ['an unknown tier', { tier: 'L4' as Tier }, 'tier'],
    ['no languages', { languages: [] }, 'languages'],
    ['a bad language', { languages: ['en', 'english'] }, 'languages[1]'],
    [
      '21 languages',
      { languages: Array.from({ length: 21 }, (_, i) => `x${String.fromCharCode(97 + i)}`) },
      'languages',
    ],
    ['an unknown category', { categories: ['lost_cat' as Category] }, 'categories[0]'],
    ['0 open tickets', { maxOpenTickets: 0 }, 'maxOpenTickets'],
    ['1001 open tickets', { maxOpenTickets: 1001 }, 'maxOpenTickets'],
    ['a fractional limit', { maxOpenTickets: 2.5 }, 'maxOpenTickets'],
  ];
  it.each(bad)('refuses %s', (_label, data, field) => {
    given([]).when(register(data)).thenThrows('validation_failed', field);
  });

  it('refuses a profile for a different agent than the stream holds', () => {
    given([registered()])
      .when(register({ agentId: 'agent-2' }))
      .thenThrows('validation_failed', 'agentId');
  });
});

describe('SetAgentAvailability', () => {
  it('goes online and offline', () => {
    given([registered()])
      .when(setAvailable(true))
      .then([availabilityChanged(true)]);
    given([registered(), availabilityChanged(true)])
      .when(setAvailable(false))
      .then([availabilityChanged(false)]);
    given([registered()]).when(setAvailable(true)).thenState({ available: true });
  });

  it('setting the current availability changes nothing', () => {
    given([registered()]).when(setAvailable(false)).then([]);
    given([registered(), availabilityChanged(true)])
      .when(setAvailable(true))
      .then([]);
  });

  it.each([admin, supervisor, system])("%j may set anyone's availability", (actor) => {
    given([registered()])
      .when(setAvailable(true, actor))
      .then([availabilityChanged(true)]);
  });

  it.each([
    ['another agent', ben],
    ['a customer', customer],
    ['a partner', partner],
  ])('refuses %s', (_label, actor) => {
    given([registered()]).when(setAvailable(true, actor)).thenThrows('forbidden');
  });

  it('an unregistered agent is not found', () => {
    given([]).when(setAvailable(true)).thenThrows('not_found');
  });

  it('refuses a non-boolean', () => {
    given([registered()])
      .when(setAvailable('yes' as unknown as boolean))
      .thenThrows('validation_failed', 'available');
  });
});

describe('evolve', () => {
  it('ignores updates before registration and unknown event types', () => {
    const unknown = { type: 'AgentRetired', data: {} } as unknown as AgentEvent;
    const state = [availabilityChanged(true), unknown].reduce(
      agentDecider.evolve,
      agentDecider.initialState(),
    );
    expect(state).toEqual({ exists: false });
  });
});
