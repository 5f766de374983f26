// What someone asks of an agent's stream, in the imperative.
import { Command, Category, Tier } from '@kefu/kernel';

/**
 * Registers an agent, or updates the profile of one already registered. On an update, omitted
 * optional fields keep their current value; on a first registration they take the defaults.
 */
export interface RegisterAgentData {
  agentId: string;
  name: string;
  tier: Tier;
  languages: string[];
  /** Empty means every category. Default: []. */
  categories?: Category[];
  /** 1..1000. Default: 10. */
  maxOpenTickets?: number;
}

export interface SetAgentAvailabilityData {
  available: boolean;
}

export type RegisterAgent = Command<'RegisterAgent', RegisterAgentData>;
export type SetAgentAvailability = Command<'SetAgentAvailability', SetAgentAvailabilityData>;

export type AgentCommand = RegisterAgent | SetAgentAvailability;
