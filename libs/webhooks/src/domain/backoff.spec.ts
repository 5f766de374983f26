import { backoffCeilingMs, jitteredDelayMs, nextRetryDelayMs } from './backoff';

describe('retry backoff', () => {
  const p = { baseMs: 10_000, maxMs: 3_600_000, windowMs: 86_400_000 };

  it('doubles from the base and is capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffCeilingMs(n, p))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
    expect(backoffCeilingMs(9, p)).toBe(2_560_000);
    expect(backoffCeilingMs(10, p)).toBe(3_600_000);
    expect(backoffCeilingMs(5000, p)).toBe(3_600_000); // 2^4999 is Infinity: still capped
  });

  it('full jitter stays within [1 ms, ceiling] for every attempt and any random value', () => {
    for (let n = 1; n <= 60; n++) {
      for (const r of [0, 1e-12, 0.25, 0.5, 0.999999, 0.9999999999999999]) {
        const d = jitteredDelayMs(n, p, () => r);
        expect(d).toBeGreaterThanOrEqual(1);
        expect(d).toBeLessThanOrEqual(backoffCeilingMs(n, p));
      }
    }
    expect(jitteredDelayMs(3, p, () => 0.5)).toBe(20_001);
  });

  it('spreads retries (not all at the ceiling)', () => {
    const delays = Array.from({ length: 200 }, () => jitteredDelayMs(8, p));
    expect(Math.min(...delays)).toBeLessThan(backoffCeilingMs(8, p) / 2);
    expect(Math.max(...delays)).toBeGreaterThan(backoffCeilingMs(8, p) / 2);
  });

  it('stops when the window since the first attempt has passed, and never schedules past it', () => {
    const first = new Date('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(first.getTime() + ms);
    expect(nextRetryDelayMs(1, first, at(0), p, () => 0.5)).toBe(5_001);
    expect(nextRetryDelayMs(40, first, at(p.windowMs - 1000), p, () => 0.99)).toBe(1000);
    expect(nextRetryDelayMs(40, first, at(p.windowMs), p)).toBeUndefined();
    expect(nextRetryDelayMs(40, first, at(p.windowMs + 5), p)).toBeUndefined();
  });

  it('covers a day with a realistic number of attempts', () => {
    // Expected attempts with full jitter: about 48 + 10 — far below the job's attempt limit.
    let t = 0;
    let n = 0;
    const first = new Date(0);
    for (;;) {
      n += 1;
      const d = nextRetryDelayMs(n, first, new Date(t), p);
      if (d === undefined) break;
      t += d;
      if (n > 10_000) throw new Error('does not terminate');
    }
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(1000);
  });
});
