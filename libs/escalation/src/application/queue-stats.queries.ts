import { Injectable } from '@nestjs/common';
import { TIERS, Tier } from '@kefu/kernel';
import { DataSource } from 'typeorm';

/** One tier's queue, as `queueStats` and `queueUpdated` serve it. */
export interface QueueStatsView {
  tier: Tier;
  /** Tickets at the tier not yet solved or closed. */
  open: number;
  /** Of those, the ones nobody is assigned to. */
  unassigned: number;
  /** When the longest-waiting unassigned ticket started waiting (ISO), or null. */
  oldestWaitingSince: string | null;
  /** Median seconds from entering the tier to the first agent reply there, or null without any. */
  medianFirstResponseSeconds: number | null;
}

interface StatsRow {
  tier: Tier;
  open: number;
  unassigned: number;
  oldest: Date | null;
  median: number | null;
}

const STATS_SQL = `
  SELECT tier,
         count(*) FILTER (WHERE status NOT IN ('solved', 'closed'))::int AS open,
         count(*) FILTER (WHERE status NOT IN ('solved', 'closed') AND assignee_id IS NULL)::int AS unassigned,
         min(waiting_since) FILTER (WHERE status NOT IN ('solved', 'closed') AND assignee_id IS NULL) AS oldest,
         percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM first_response_at - tier_entered_at))::float8 AS median
    FROM queue_stats_tickets GROUP BY tier`;

/** Reads of the queue-stats read model (queue_stats_tickets, kept by QueueStatsProjector). */
@Injectable()
export class QueueStatsQueries {
  constructor(private readonly ds: DataSource) {}

  /** Every tier, L1 to L3, zeros for an empty one. */
  async all(): Promise<QueueStatsView[]> {
    const rows = (await this.ds.query(STATS_SQL)) as StatsRow[];
    const byTier = new Map(rows.map((r) => [r.tier, r]));
    return TIERS.map((tier) => {
      const r = byTier.get(tier);
      return {
        tier,
        open: r?.open ?? 0,
        unassigned: r?.unassigned ?? 0,
        oldestWaitingSince: r?.oldest ? r.oldest.toISOString() : null,
        medianFirstResponseSeconds: r?.median ?? null,
      };
    });
  }
}
