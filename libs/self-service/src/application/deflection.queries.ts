import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const DEFLECTION_DIMENSIONS = ['category', 'language', 'channel'] as const;
export type DeflectionDimension = (typeof DEFLECTION_DIMENSIONS)[number];

export interface DeflectionStatView {
  category: string | null;
  language: string | null;
  channel: string | null;
  /** Questions asked (answer sessions started) in the period. */
  sessions: number;
  /** Of those, the ones shown at least one article. */
  withArticles: number;
  /** Resolved by an article, no ticket. */
  deflected: number;
  handedOver: number;
  /** No outcome recorded: the customer left (or is still reading). */
  noOutcome: number;
  /** deflected / sessions. */
  deflectionRate: number | null;
}

const COLUMN: Record<DeflectionDimension, string> = {
  category: 'category',
  language: 'language',
  channel: 'channel',
};

/** The deflection report over sessions started in [from, to), grouped by the chosen dimensions. */
@Injectable()
export class DeflectionQueries {
  constructor(private readonly ds: DataSource) {}

  async stats(
    groupBy: readonly DeflectionDimension[],
    from?: Date,
    to?: Date,
  ): Promise<DeflectionStatView[]> {
    const dims = DEFLECTION_DIMENSIONS.filter((d) => groupBy.includes(d));
    const select = DEFLECTION_DIMENSIONS.map((d) =>
      dims.includes(d) ? `${COLUMN[d]} AS ${d}` : `NULL AS ${d}`,
    );
    const group = dims.length ? `GROUP BY ${dims.map((d) => COLUMN[d]).join(', ')}` : '';
    const order = dims.length ? `ORDER BY ${dims.map((d) => COLUMN[d]).join(', ')}` : '';
    const rows = (await this.ds.query(
      `SELECT ${select.join(', ')}, count(*)::int AS sessions,
              (count(*) FILTER (WHERE articles_shown > 0))::int AS with_articles,
              (count(*) FILTER (WHERE outcome = 'deflected'))::int AS deflected,
              (count(*) FILTER (WHERE outcome = 'handed_over'))::int AS handed_over,
              (count(*) FILTER (WHERE outcome = 'none'))::int AS no_outcome
         FROM deflection_sessions
        WHERE ($1::timestamptz IS NULL OR suggested_at >= $1) AND ($2::timestamptz IS NULL OR suggested_at < $2)
        ${group} HAVING count(*) > 0 ${order}`,
      [from ?? null, to ?? null],
    )) as Array<{
      category: string | null;
      language: string | null;
      channel: string | null;
      sessions: number;
      with_articles: number;
      deflected: number;
      handed_over: number;
      no_outcome: number;
    }>;
    return rows.map((r) => ({
      category: r.category,
      language: r.language,
      channel: r.channel,
      sessions: r.sessions,
      withArticles: r.with_articles,
      deflected: r.deflected,
      handedOver: r.handed_over,
      noOutcome: r.no_outcome,
      deflectionRate: r.sessions ? r.deflected / r.sessions : null,
    }));
  }
}
