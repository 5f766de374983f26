import { Injectable } from '@nestjs/common';
import { Tx, preparedSql, readRows } from '@kefu/platform';
import { Tier } from '@kefu/kernel';
import { AgentDirectory } from '@kefu/tickets';
import { DataSource } from 'typeorm';
import { AgentRow, AgentView, toAgentView } from './agent-view';

// Every page of tickets with assignees runs it (through the DataLoader): prepared, columns named.
const AGENTS_BY_IDS = preparedSql(
  'agents_by_ids',
  `SELECT id, name, tier, languages, categories, available, max_open_tickets, created_at, updated_at, version
     FROM agent_view WHERE id = ANY($1)`,
);

/** Statuses in which a ticket still weighs on its assignee. */
const DONE_STATUSES = ['solved', 'closed'];

/** Reads of agents (agent_view) and of their workload (ticket_view). Each method is one query. */
@Injectable()
export class AgentQueries implements AgentDirectory {
  constructor(private readonly ds: DataSource) {}

  async list(filter: { tier?: Tier; available?: boolean } = {}): Promise<AgentView[]> {
    const params: unknown[] = [];
    const where: string[] = ['true'];
    if (filter.tier) where.push(`tier = $${params.push(filter.tier)}`);
    if (filter.available !== undefined) where.push(`available = $${params.push(filter.available)}`);
    const rows = (await this.ds.query(
      `SELECT * FROM agent_view WHERE ${where.join(' AND ')} ORDER BY tier, name, id`,
      params,
    )) as AgentRow[];
    return rows.map(toAgentView);
  }

  /** Agents by id, in one query (DataLoader batches); unknown ids are absent from the map. */
  async byIds(ids: readonly string[]): Promise<Map<string, AgentView>> {
    if (ids.length === 0) return new Map();
    const rows = await readRows<AgentRow>(this.ds, AGENTS_BY_IDS, [ids]);
    return new Map(rows.map((r) => [r.id, toAgentView(r)]));
  }

  async byIdIn(tx: Tx, id: string): Promise<AgentView | undefined> {
    const row = await tx.one<AgentRow>(`SELECT * FROM agent_view WHERE id = $1`, [id]);
    return row ? toAgentView(row) : undefined;
  }

  async exists(agentId: string): Promise<boolean> {
    const rows = (await this.ds.query(`SELECT 1 FROM agent_view WHERE id = $1`, [agentId])) as unknown[];
    return rows.length > 0;
  }

  /** Open (not solved or closed) tickets assigned to each agent, for many agents in one query. */
  async openTicketCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(ids.map((id) => [id, 0]));
    if (ids.length === 0) return out;
    const rows = (await this.ds.query(
      `SELECT assignee_id, count(*)::int AS n FROM ticket_view
        WHERE assignee_id = ANY($1) AND status <> ALL($2) GROUP BY assignee_id`,
      [ids, DONE_STATUSES],
    )) as Array<{ assignee_id: string; n: number }>;
    for (const r of rows) out.set(r.assignee_id, r.n);
    return out;
  }
}
