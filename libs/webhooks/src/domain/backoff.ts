// Retries of a failing delivery: exponential (base · 2^(n-1), capped) with full jitter, within a
// window that starts at the first attempt; the last retry is pulled in to the window's end.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  windowMs: number;
}

/** The upper bound of the delay after the n-th failed attempt (n ≥ 1). */
export function backoffCeilingMs(attempt: number, p: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows to Infinity for large n, which min() then caps.
  return Math.min(p.maxMs, p.baseMs * 2 ** (n - 1));
}

/** Full jitter: uniform in [1, ceiling]. */
export function jitteredDelayMs(
  attempt: number,
  p: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeilingMs(attempt, p);
  return Math.max(1, Math.min(ceiling, Math.floor(random() * ceiling) + 1));
}

/**
 * When to try again after the n-th failed attempt, or undefined when the window since the first
 * attempt has passed (the delivery is then marked failed).
 */
export function nextRetryDelayMs(
  attempt: number,
  firstAttemptAt: Date,
  now: Date,
  p: BackoffPolicy,
  random: () => number = Math.random,
): number | undefined {
  const windowEnd = firstAttemptAt.getTime() + p.windowMs;
  const left = windowEnd - now.getTime();
  if (left <= 0) return undefined;
  return Math.max(1, Math.min(jitteredDelayMs(attempt, p, random), left));
}
