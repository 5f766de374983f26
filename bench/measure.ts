export interface CaseResult {
  name: string;
  writers: number;
  ops: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface MeasureOptions {
  name: string;
  writers: number;
  seconds: number;
  warmupSeconds: number;
  /** Per writer: prepares its state, returns the operation it repeats. */
  setup: (writer: number) => Promise<() => Promise<void>>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * `writers` closed-loop writers repeat their operation for a fixed time after a warm-up; every
 * operation's latency is recorded. Throughput counts operations completed in the measured window.
 */
export async function measure(opts: MeasureOptions): Promise<CaseResult> {
  const ops = await Promise.all(Array.from({ length: opts.writers }, (_, w) => opts.setup(w)));
  const warmupEnd = performance.now() + opts.warmupSeconds * 1000;
  await Promise.all(
    ops.map(async (op) => {
      while (performance.now() < warmupEnd) await op();
    }),
  );

  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + opts.seconds * 1000;
  await Promise.all(
    ops.map(async (op) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await op();
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name: opts.name,
    writers: opts.writers,
    ops: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}
