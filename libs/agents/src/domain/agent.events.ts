// What happened to an agent's profile and presence, in the past tense.
import { DomainEvent, Category, Tier } from '@kefu/kernel';

export interface AgentProfile {
  /** The `sub` of the agent's tokens. */
  agentId: string;
  name: string;
  tier: Tier;
  /** BCP 47, canonical case, at least one; routing matches the ticket's language. */
  languages: string[];
  /** Categories the agent serves; empty means all. */
  categories: Category[];
  maxOpenTickets: number;
}

/** A new agent starts unavailable: routing waits until they come online (SetAgentAvailability). */
export interface AgentRegisteredData extends AgentProfile {
  available: false;
  at: string;
}

/** The whole profile after the change (projections overwrite), and which fields changed. */
export interface AgentProfileUpdatedData extends AgentProfile {
  changed: (keyof Omit<AgentProfile, 'agentId'>)[];
  at: string;
}

export interface AgentAvailabilityChangedData {
  agentId: string;
  available: boolean;
  at: string;
}

export type AgentRegistered = DomainEvent<'AgentRegistered', AgentRegisteredData>;
export type AgentProfileUpdated = DomainEvent<'AgentProfileUpdated', AgentProfileUpdatedData>;
export type AgentAvailabilityChanged = DomainEvent<'AgentAvailabilityChanged', AgentAvailabilityChangedData>;

export type AgentEvent = AgentRegistered | AgentProfileUpdated | AgentAvailabilityChanged;
