import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@kefu/platform';
import { UpcomingHour, WaitEstimate, WaitSample, estimateWait } from '../domain/wait-estimate';

export type WaitDimension = 'channel' | 'tier';

export interface WaitEstimateView extends WaitEstimate {
  timeZone: string;
  /** The 168 hours of the week with their measured median (null without samples). */
  byHourOfWeek: Array<{ hourOfWeek: number; medianSeconds: number | null; samples: number }>;
}

/**
 * The measured waits of one dimension as (key, started_at, wait seconds, answered, responded_at):
 * answered waits, and waits still going (no answer, not ended) counted up to now. Channel waits are
 * wait_tickets that someone sat through; tier waits are wait_stints.
 */
const SOURCE: Record<WaitDimension, string> = {
  channel: `SELECT channel AS key, opened_at AS started_at, first_response_at AS responded_at, ended_at
              FROM wait_tickets WHERE counted`,
  tier: `SELECT tier AS key, started_at, responded_at, ended_at FROM wait_stints`,
};

interface Group {
  recent?: WaitSample;
  history?: WaitSample;
  hours: Map<number, WaitSample>;
}

interface Row {
  key: string;
  how: number | null;
  median: number | null;
  n: number;
}

/** Estimated waits per channel (supportChannels) and per tier (queueStats), from wait_* read models. */
@Injectable()
export class WaitEstimates {
  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Every key of the dimension that has measurements, plus `keys` (estimates with basis none). */
  async all(
    dimension: WaitDimension,
    keys: readonly string[],
    now = new Date(),
  ): Promise<Map<string, WaitEstimateView>> {
    const tz = this.config.waitEstimateTimeZone;
    const params = [
      now.toISOString(),
      new Date(now.getTime() - this.config.waitEstimateRecentMinutes * 60_000).toISOString(),
      new Date(now.getTime() - this.config.waitEstimateLookbackDays * 86_400_000).toISOString(),
      tz,
    ];
    // $1 now, $2 recent window start, $3 history start, $4 time zone.
    const rows = (await this.ds.query(
      `WITH w AS (
         SELECT key, started_at, responded_at,
                extract(epoch FROM coalesce(responded_at, $1::timestamptz) - started_at)::float8 AS wait
           FROM (${SOURCE[dimension]}) src
          WHERE started_at >= $3::timestamptz AND started_at <= $1::timestamptz
            AND (responded_at IS NOT NULL OR ended_at IS NULL))
       SELECT key, NULL::int AS how, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait)::float8 AS median, count(*)::int AS n
         FROM w WHERE (responded_at IS NOT NULL AND responded_at >= $2::timestamptz)
                   OR (responded_at IS NULL AND started_at >= $2::timestamptz)
        GROUP BY key
       UNION ALL
       SELECT key, -1, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait)::float8, count(*)::int
         FROM w WHERE responded_at IS NOT NULL GROUP BY key
       UNION ALL
       SELECT key, ((extract(isodow FROM started_at AT TIME ZONE $4) - 1) * 24
                    + extract(hour FROM started_at AT TIME ZONE $4))::int,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY wait)::float8, count(*)::int
         FROM w WHERE responded_at IS NOT NULL GROUP BY 1, 2`,
      params,
    )) as Row[];
    const upcoming = await this.upcoming(now, tz);
    const nowHow = upcoming.shift()!.hourOfWeek;
    const grouped = new Map<string, Group>();
    for (const k of keys) grouped.set(k, { hours: new Map() });
    for (const r of rows) {
      const g: Group = grouped.get(r.key) ?? { hours: new Map() };
      grouped.set(r.key, g);
      const sample = { medianSeconds: r.median, samples: r.n };
      if (r.how === null) g.recent = sample;
      else if (r.how === -1) g.history = sample;
      else g.hours.set(r.how, sample);
    }
    const none: WaitSample = { medianSeconds: null, samples: 0 };
    const out = new Map<string, WaitEstimateView>();
    for (const [key, g] of grouped) {
      const estimate = estimateWait(
        {
          recent: g.recent ?? none,
          history: g.history ?? none,
          byHourOfWeek: g.hours,
          nowHourOfWeek: nowHow,
          upcoming,
        },
        this.config.waitEstimateMinSamples,
      );
      out.set(key, {
        ...estimate,
        timeZone: tz,
        byHourOfWeek: Array.from({ length: 168 }, (_, h) => {
          const s = g.hours.get(h);
          return { hourOfWeek: h, medianSeconds: s?.medianSeconds ?? null, samples: s?.samples ?? 0 };
        }),
      });
    }
    return out;
  }

  /** This hour and the next 23, each with its hour of the week in the zone (for "quieter after"). */
  private async upcoming(now: Date, tz: string): Promise<UpcomingHour[]> {
    const rows = (await this.ds.query(
      `SELECT (local AT TIME ZONE $2) AS at,
              ((extract(isodow FROM local) - 1) * 24 + extract(hour FROM local))::int AS how
         FROM (SELECT date_trunc('hour', $1::timestamptz AT TIME ZONE $2) + n * interval '1 hour' AS local
                 FROM generate_series(0, 23) n) h
        ORDER BY local`,
      [now.toISOString(), tz],
    )) as Array<{ at: Date; how: number }>;
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), hourOfWeek: r.how }));
  }
}
