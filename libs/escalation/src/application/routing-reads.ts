import { Tx } from '@kefu/platform';
import { Category, Priority, Tier } from '@kefu/kernel';
import { TicketStatus } from '@kefu/tickets/domain';
import { RoutingCandidate } from '../domain/routing';

/** What routing and the triggers need of a ticket (ticket_view, kept inline by the tickets module). */
export interface RoutableTicket {
  id: string;
  status: TicketStatus;
  tier: Tier;
  language: string;
  category: Category;
  priority: Priority;
  assigneeId: string | null;
  escalationRequested: boolean;
  /** The customer's segments (e.g. `vip`), lower-case, for ladder rules. */
  segments: string[];
}

export async function routableTicket(tx: Tx, id: string): Promise<RoutableTicket | undefined> {
  // `segments` is the ticket's own list (the partner's and the admin's, normalised at opening).
  return tx.one<RoutableTicket>(
    `SELECT id, status, tier, language, category, priority, assignee_id AS "assigneeId",
            escalation_requested AS "escalationRequested", segments
       FROM ticket_view WHERE id = $1`,
    [id],
  );
}

interface CandidateRow {
  id: string;
  tier: Tier;
  languages: string[];
  categories: Category[];
  available: boolean;
  max_open_tickets: number;
  open_tickets: number;
  last_assigned_at: Date | null;
}

/**
 * The available agents of a tier with their load (open tickets, from ticket_view, which commands
 * keep current in their own transaction) and their last assignment. Read under the tier's routing
 * lock, so the loads cannot move under the choice except by hand-made assignments.
 */
export async function candidatesOf(tx: Tx, tier: Tier): Promise<RoutingCandidate[]> {
  const rows = await tx.rows<CandidateRow>(
    `SELECT a.id, a.tier, a.languages, a.categories, a.available, a.max_open_tickets,
            (SELECT count(*)::int FROM ticket_view t
              WHERE t.assignee_id = a.id AND t.status NOT IN ('solved', 'closed')) AS open_tickets,
            act.last_assigned_at
       FROM agent_view a
       LEFT JOIN escalation_agent_activity act ON act.agent_id = a.id
      WHERE a.tier = $1 AND a.available`,
    [tier],
  );
  return rows.map((r) => ({
    id: r.id,
    tier: r.tier,
    languages: r.languages,
    categories: r.categories,
    available: r.available,
    maxOpenTickets: r.max_open_tickets,
    openTickets: r.open_tickets,
    ...(r.last_assigned_at ? { lastAssignedAt: r.last_assigned_at.toISOString() } : {}),
  }));
}

/** Remembers the assignment for the longest-idle tie-break (the queue-stats projector does the same from the log). */
export async function noteAssignment(tx: Tx, agentId: string, at: string): Promise<void> {
  await tx.execute(
    `INSERT INTO escalation_agent_activity (agent_id, last_assigned_at) VALUES ($1, $2)
     ON CONFLICT (agent_id) DO UPDATE
       SET last_assigned_at = GREATEST(escalation_agent_activity.last_assigned_at, EXCLUDED.last_assigned_at)`,
    [agentId, at],
  );
}

/**
 * Serialises routing per tier across workers: two jobs never pick from the same loads at once, so
 * a burst of escalations spreads by load instead of piling onto whoever looked least loaded.
 */
export async function lockTier(tx: Tx, tier: Tier): Promise<void> {
  await tx.execute(`SELECT pg_advisory_xact_lock(hashtext('kefu-escalation-routing'), hashtext($1))`, [tier]);
}
