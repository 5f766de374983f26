import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const SATISFACTION_GROUPS = ['agent', 'team', 'category', 'channel'] as const;
export type SatisfactionGroup = (typeof SATISFACTION_GROUPS)[number];

export interface SatisfactionStatView {
  key: string;
  label: string;
  responses: number;
  averageScore: number | null;
  csat: number | null;
  /** Surveys sent in the period (the response rate's denominator). */
  sent: number;
  /** Of the surveys sent in the period, the share answered (at any time). */
  responseRate: number | null;
}

/** A team is the tier queue the ticket sat in when it was solved (Kefu has no other team notion). */
const TEAM_LABELS: Record<string, string> = {
  L1: 'L1 front line',
  L2: 'L2 senior agents',
  L3: 'L3 supervisors',
};

const KEY_SQL: Record<SatisfactionGroup, string> = {
  agent: `coalesce(agent_id, 'unassigned')`,
  team: 'tier',
  category: 'category',
  channel: 'channel',
};

/**
 * CSAT per group: responses, average and CSAT over answers given in [from, to); sent and response
 * rate over surveys sent in [from, to). Agent = who was assigned when the ticket was solved.
 */
@Injectable()
export class SatisfactionQueries {
  constructor(private readonly ds: DataSource) {}

  async stats(groupBy: SatisfactionGroup, from?: Date, to?: Date): Promise<SatisfactionStatView[]> {
    const key = KEY_SQL[groupBy];
    const rows = (await this.ds.query(
      `WITH f AS (SELECT ${key} AS k, * FROM satisfaction_surveys),
            answered AS (
              SELECT k, count(*)::int AS responses, avg(score)::float8 AS average,
                     (count(*) FILTER (WHERE score >= 4))::float8 / count(*) AS csat
                FROM f WHERE score IS NOT NULL
                 AND ($1::timestamptz IS NULL OR responded_at >= $1) AND ($2::timestamptz IS NULL OR responded_at < $2)
               GROUP BY k),
            sent AS (
              SELECT k, count(*)::int AS sent, (count(*) FILTER (WHERE score IS NOT NULL))::int AS answered
                FROM f WHERE ($1::timestamptz IS NULL OR sent_at >= $1) AND ($2::timestamptz IS NULL OR sent_at < $2)
               GROUP BY k)
       SELECT coalesce(a.k, s.k) AS key, a.responses, a.average, a.csat, s.sent, s.answered, ag.name AS agent_name
         FROM answered a FULL JOIN sent s ON s.k = a.k
         LEFT JOIN agent_view ag ON ag.id = coalesce(a.k, s.k)
        ORDER BY 1`,
      [from ?? null, to ?? null],
    )) as Array<{
      key: string;
      responses: number | null;
      average: number | null;
      csat: number | null;
      sent: number | null;
      answered: number | null;
      agent_name: string | null;
    }>;
    return rows.map((r) => ({
      key: r.key,
      label: labelOf(groupBy, r.key, r.agent_name),
      responses: r.responses ?? 0,
      averageScore: r.average,
      csat: r.csat,
      sent: r.sent ?? 0,
      responseRate: r.sent ? (r.answered ?? 0) / r.sent : null,
    }));
  }
}

function labelOf(group: SatisfactionGroup, key: string, agentName: string | null): string {
  if (group === 'agent') return key === 'unassigned' ? 'Unassigned' : (agentName ?? key);
  if (group === 'team') return TEAM_LABELS[key] ?? key;
  return key;
}
