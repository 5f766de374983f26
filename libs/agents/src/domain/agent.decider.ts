// One stream per agent (id = the JWT `sub`): its routing profile and whether it takes work now.
// Checks run as for tickets: forbidden → validation_failed → not_found/invalid_transition.
import {
  ActorRole,
  Decider,
  DomainRuleError,
  Violations,
  absent,
  integerIn,
  normaliseLanguageTag,
  oneOf,
  requiredText,
  sameItems,
  unique,
  CATEGORIES,
  Category,
  TIERS,
  Tier,
} from '@kefu/kernel';
import { AgentCommand, RegisterAgent, SetAgentAvailability } from './agent.commands';
import { AgentEvent, AgentProfile, AgentProfileUpdatedData } from './agent.events';

export const AGENT_DEFAULTS = { maxOpenTickets: 10, categories: [] as Category[] } as const;
export const AGENT_LIMITS = { maxOpenTickets: 1000, languages: 20, chars: 200 } as const;

/** The stream type under which agent events are stored. */
export const AGENT_STREAM_TYPE = 'agent';

export type AgentState = { exists: false } | ({ exists: true; available: boolean } & AgentProfile);

export function initialState(): AgentState {
  return { exists: false };
}

export function evolve(state: AgentState, event: AgentEvent): AgentState {
  switch (event.type) {
    case 'AgentRegistered': {
      const { at: _at, ...profile } = event.data;
      return { exists: true, ...profile };
    }
    case 'AgentProfileUpdated': {
      if (!state.exists) return state;
      const { at: _at, changed: _changed, ...profile } = event.data;
      return { ...state, ...profile };
    }
    case 'AgentAvailabilityChanged':
      return state.exists ? { ...state, available: event.data.available } : state;
    default:
      return ignoreUnknown(state, event);
  }
}

export function decide(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'RegisterAgent':
      return registerAgent(command, state);
    case 'SetAgentAvailability':
      return setAvailability(command, state);
  }
}

export const agentDecider: Decider<AgentState, AgentCommand, AgentEvent> = { initialState, evolve, decide };

/** The tier a staff role works at; people registering themselves get exactly that tier. */
export const TIER_OF_ROLE: Partial<Record<ActorRole, Tier>> = {
  agent: 'L1',
  senior_agent: 'L2',
  supervisor: 'L3',
};

// Admins (DOMAIN.md: they configure agents), supervisors and the system (seeding) manage anyone.
const MANAGERS: readonly ActorRole[] = ['admin', 'supervisor', 'system'];

function registerAgent(command: RegisterAgent, state: AgentState): AgentEvent[] {
  const { actor, now } = command;
  if (!isStaffOrManager(actor.role))
    throw DomainRuleError.forbidden(`A ${actor.role} may not register agents.`);
  const current = state.exists ? state : undefined;
  const profile = validateProfile(command.data, current);
  if (!MANAGERS.includes(actor.role)) {
    // Agents may register themselves, at their own tier, and nobody else.
    if (profile.agentId !== actor.id) throw DomainRuleError.forbidden('Agents may register only themselves.');
    if (profile.tier !== TIER_OF_ROLE[actor.role]) {
      throw DomainRuleError.forbidden(`A ${actor.role} registers at tier ${TIER_OF_ROLE[actor.role]}.`);
    }
  }
  if (!current) return [{ type: 'AgentRegistered', data: { ...profile, available: false, at: now } }];
  if (current.agentId !== profile.agentId) {
    throw DomainRuleError.validation([
      { field: 'agentId', message: 'does not match the agent being updated' },
    ]);
  }
  const changed = changedFields(current, profile);
  if (!changed.length) return [];
  return [{ type: 'AgentProfileUpdated', data: { ...profile, changed, at: now } }];
}

function setAvailability(command: SetAgentAvailability, state: AgentState): AgentEvent[] {
  const { actor, now } = command;
  if (!isStaffOrManager(actor.role))
    throw DomainRuleError.forbidden(`A ${actor.role} has no availability to set.`);
  if (!state.exists) throw DomainRuleError.notFound('Agent');
  if (state.agentId !== actor.id && !MANAGERS.includes(actor.role)) {
    throw DomainRuleError.forbidden('Only the agent, a supervisor or an admin may change availability.');
  }
  if (typeof command.data.available !== 'boolean') {
    throw DomainRuleError.validation([{ field: 'available', message: 'must be true or false' }]);
  }
  if (state.available === command.data.available) return [];
  return [
    {
      type: 'AgentAvailabilityChanged',
      data: { agentId: state.agentId, available: command.data.available, at: now },
    },
  ];
}

function isStaffOrManager(role: ActorRole): boolean {
  return MANAGERS.includes(role) || TIER_OF_ROLE[role] !== undefined;
}

/** Normalises the profile; omitted optional fields keep `current`'s values, else the defaults. */
export function validateProfile(d: RegisterAgent['data'], current?: AgentProfile): AgentProfile {
  const v = new Violations();
  const agentId = requiredText(v, 'agentId', d.agentId, AGENT_LIMITS.chars);
  const name = requiredText(v, 'name', d.name, AGENT_LIMITS.chars);
  const tier = oneOf(v, 'tier', d.tier, TIERS) ?? 'L1';
  const languages = validateLanguages(v, d.languages);
  const categories = absent(d.categories)
    ? (current?.categories ?? [...AGENT_DEFAULTS.categories])
    : validateCategories(v, d.categories);
  const maxOpenTickets = absent(d.maxOpenTickets)
    ? (current?.maxOpenTickets ?? AGENT_DEFAULTS.maxOpenTickets)
    : integerIn(v, 'maxOpenTickets', d.maxOpenTickets, 1, AGENT_LIMITS.maxOpenTickets);
  v.throwIfAny();
  return { agentId, name, tier, languages, categories, maxOpenTickets };
}

function validateLanguages(v: Violations, raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    v.add('languages', 'must list at least one language');
    return [];
  }
  const tags: string[] = [];
  raw.forEach((t: unknown, i) => {
    const tag = typeof t === 'string' ? normaliseLanguageTag(t) : undefined;
    if (tag) tags.push(tag);
    else v.add(`languages[${i}]`, 'must be a BCP 47 language tag such as en or zh-CN');
  });
  // Order is kept: the first language is the agent's strongest.
  const out = unique(tags);
  if (out.length > AGENT_LIMITS.languages) v.add('languages', `at most ${AGENT_LIMITS.languages} languages`);
  return out;
}

function validateCategories(v: Violations, raw: unknown): Category[] {
  if (!Array.isArray(raw)) {
    v.add('categories', 'must be a list of categories');
    return [];
  }
  const given = new Set<Category>();
  raw.forEach((c: unknown, i) => {
    const category = oneOf(v, `categories[${i}]`, c, CATEGORIES);
    if (category) given.add(category);
  });
  // A set, in the canonical order, so re-sending it in another order is not a change.
  return CATEGORIES.filter((c) => given.has(c));
}

function changedFields(a: AgentProfile, b: AgentProfile): AgentProfileUpdatedData['changed'] {
  const changed: AgentProfileUpdatedData['changed'] = [];
  if (a.name !== b.name) changed.push('name');
  if (a.tier !== b.tier) changed.push('tier');
  if (!sameItems(a.languages, b.languages)) changed.push('languages');
  if (!sameItems(a.categories, b.categories)) changed.push('categories');
  if (a.maxOpenTickets !== b.maxOpenTickets) changed.push('maxOpenTickets');
  return changed;
}

// Exhaustive at compile time; an unknown (newer) event type is skipped at run time, not fatal.
function ignoreUnknown(state: AgentState, _event: never): AgentState {
  return state;
}
