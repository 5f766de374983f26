import { Category, Tier } from '@kefu/kernel';

/** An agent as the read model (agent_view) holds it; GraphQL maps from this. */
export interface AgentView {
  id: string;
  name: string;
  tier: Tier;
  languages: string[];
  /** Empty means every category. */
  categories: Category[];
  available: boolean;
  maxOpenTickets: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AgentRow {
  id: string;
  name: string;
  tier: Tier;
  languages: string[];
  categories: Category[];
  available: boolean;
  max_open_tickets: number;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export function toAgentView(r: AgentRow): AgentView {
  return {
    id: r.id,
    name: r.name,
    tier: r.tier,
    languages: r.languages,
    categories: r.categories,
    available: r.available,
    maxOpenTickets: r.max_open_tickets,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

/** One stream per agent; the prefix keeps agent ids (token subs) apart from other streams' ids. */
export function agentStreamId(agentId: string): string {
  return `agent-${agentId}`;
}
