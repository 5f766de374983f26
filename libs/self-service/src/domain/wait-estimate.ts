// How long a customer arriving now will wait for a first answer, from measured waits (ticket opened,
// or entered a tier, → first public reply by an agent). Prefer what happened recently; with too few
// recent samples, the same hour of the week in past weeks; then all of history; with nothing, say so
// (basis NONE, no number) rather than promise one. Also: the next hour that is clearly quieter.

export const WAIT_BASES = ['recent', 'hour_of_week', 'history', 'none'] as const;
export type WaitBasis = (typeof WAIT_BASES)[number];

export interface WaitSample {
  medianSeconds: number | null;
  samples: number;
}

export interface UpcomingHour {
  /** ISO start of the hour (UTC). */
  at: string;
  hourOfWeek: number;
}

export interface WaitFigures {
  recent: WaitSample;
  history: WaitSample;
  /** By hour of week (0 = Monday 00:00–01:00 in the estimate's time zone … 167). */
  byHourOfWeek: ReadonlyMap<number, WaitSample>;
  nowHourOfWeek: number;
  /** The next 23 hours, in order. */
  upcoming: readonly UpcomingHour[];
}

export interface WaitEstimate {
  seconds: number | null;
  basis: WaitBasis;
  /** How many measured waits the number rests on. */
  samples: number;
  /** The first upcoming hour whose usual wait is at most QUIETER_RATIO of this estimate. */
  quieterFrom: string | null;
  quieterSeconds: number | null;
}

/** "Quieter" means at most three quarters of the wait now: smaller differences are noise. */
export const QUIETER_RATIO = 0.75;

export function estimateWait(f: WaitFigures, minSamples: number): WaitEstimate {
  const enough = (s: WaitSample | undefined): s is WaitSample & { medianSeconds: number } =>
    s !== undefined && s.samples >= minSamples && s.medianSeconds !== null;
  const hour = f.byHourOfWeek.get(f.nowHourOfWeek);
  const [basis, chosen] = enough(f.recent)
    ? (['recent', f.recent] as const)
    : enough(hour)
      ? (['hour_of_week', hour] as const)
      : enough(f.history)
        ? (['history', f.history] as const)
        : (['none', undefined] as const);
  if (!chosen) return { seconds: null, basis, samples: 0, quieterFrom: null, quieterSeconds: null };
  const seconds = Math.round(chosen.medianSeconds);
  const quieter = f.upcoming.find((u) => {
    const b = f.byHourOfWeek.get(u.hourOfWeek);
    return enough(b) && b.medianSeconds <= QUIETER_RATIO * seconds;
  });
  const q = quieter && f.byHourOfWeek.get(quieter.hourOfWeek);
  return {
    seconds,
    basis,
    samples: chosen.samples,
    quieterFrom: quieter?.at ?? null,
    quieterSeconds: q?.medianSeconds != null ? Math.round(q.medianSeconds) : null,
  };
}
