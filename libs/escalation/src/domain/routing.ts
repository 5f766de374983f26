// Who gets an escalated ticket: an available agent of the target tier who speaks the ticket's
// language, serves its category and has room, the least loaded first, ties by longest idle.
import { Category, Tier } from '@kefu/kernel';

export interface RoutingCandidate {
  id: string;
  tier: Tier;
  /** BCP 47. */
  languages: readonly string[];
  /** Empty means every category. */
  categories: readonly Category[];
  available: boolean;
  openTickets: number;
  maxOpenTickets: number;
  /** ISO time of the agent's last assignment; absent = never assigned (idle the longest). */
  lastAssignedAt?: string;
}

export interface RoutingTicket {
  tier: Tier;
  language: string;
  category: Category;
}

/**
 * Language ranges as in BCP 47 lookup: equal tags match, and so does a tag with its own prefix
 * (an agent speaking `zh` serves `zh-CN`; an `en-GB` agent serves a plain `en` ticket), but
 * siblings do not (`zh-CN` and `zh-TW` are different scripts).
 */
export function languageMatches(agentTag: string, ticketTag: string): boolean {
  const a = agentTag.toLowerCase();
  const t = ticketTag.toLowerCase();
  return a === t || t.startsWith(`${a}-`) || a.startsWith(`${t}-`);
}

export function canServe(agent: RoutingCandidate, ticket: RoutingTicket): boolean {
  return (
    agent.available &&
    agent.tier === ticket.tier &&
    agent.openTickets < agent.maxOpenTickets &&
    agent.languages.some((l) => languageMatches(l, ticket.language)) &&
    (agent.categories.length === 0 || agent.categories.includes(ticket.category))
  );
}

/** Least loaded first; then the longest idle (never assigned first); then id, so it is deterministic. */
export function compareCandidates(a: RoutingCandidate, b: RoutingCandidate): number {
  if (a.openTickets !== b.openTickets) return a.openTickets - b.openTickets;
  const ia = a.lastAssignedAt === undefined ? -Infinity : Date.parse(a.lastAssignedAt);
  const ib = b.lastAssignedAt === undefined ? -Infinity : Date.parse(b.lastAssignedAt);
  if (ia !== ib) return ia < ib ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function pickAgent(
  candidates: readonly RoutingCandidate[],
  ticket: RoutingTicket,
): RoutingCandidate | undefined {
  return candidates.filter((c) => canServe(c, ticket)).sort(compareCandidates)[0];
}
