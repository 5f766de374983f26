import { PipelineBenchReport } from './pipeline.bench';

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/** bench/results/pipeline.md */
export function pipelineMarkdown(
  r: PipelineBenchReport,
  meta: { started: Date; seconds: number; environment: string[] },
): string {
  const l = r.lag;
  const b = r.rebuild;
  return [
    '# Pipeline benchmark: RSS, dispatcher lag, projection rebuild',
    '',
    `Run ${meta.started.toISOString()} with \`BENCH_ONLY=pipeline npm run bench\` (bench/pipeline.bench.ts). The API and the worker run as`,
    'two child processes from the compiled build (dist-bench, NODE_ENV=production, LOG_LEVEL=warn) on a fresh migrated database',
    'and their own queue prefix on the shared Redis.',
    '',
    ...meta.environment,
    '',
    '## API and worker RSS under load',
    '',
    `\`POST /v1/tickets\` with a unique Idempotency-Key, ${r.load.clients} closed-loop connections for ${meta.seconds} s (bench/http-load.ts):`,
    `${f(r.load.perSecond, 0)} req/s, p50 ${f(r.load.p50Ms)} ms, p99 ${f(r.load.p99Ms)} ms, ${r.load.errors} errors. The worker's`,
    `dispatcher had caught up with the log ${r.load.catchUpMs} ms after the load ended. RSS sampled every 250 ms from /proc.`,
    '',
    '| process | idle MiB | mean under load MiB | peak MiB | peak / idle |',
    '|---|---:|---:|---:|---:|',
    ...(['api', 'worker'] as const).map(
      (p) =>
        `| ${p} | ${f(r.rss[p].idleMiB, 0)} | ${f(r.rss[p].meanMiB, 0)} | ${f(r.rss[p].peakMiB, 0)} | ${f(r.rss[p].peakMiB / r.rss[p].idleMiB, 2)}× |`,
    ),
    '',
    '## Dispatcher lag (event committed → job in Redis)',
    '',
    `${l.pendingTimers} pending timers (delayed jobs in the tickets queue, added in ${l.seedMs} ms), then ${l.samples} sequential samples:`,
    'a ticket is opened over REST and solved over GraphQL; from the moment the solve answered (after its commit) the benchmark',
    "polls Redis every millisecond for the auto-close job the dispatcher derives from that event (`jobId('auto-close', eventId)`).",
    'Baseline: the same job added to Redis directly by the benchmark (`queue.add` + the same polling): the floor of any dispatch.',
    '',
    '| case | p50 ms | p99 ms | p50 vs baseline |',
    '|---|---:|---:|---:|',
    `| baseline: queue.add directly | ${f(l.baselineP50Ms, 2)} | ${f(l.baselineP99Ms, 2)} | 1.00× |`,
    `| dispatcher: commit → job | ${f(l.p50Ms, 2)} | ${f(l.p99Ms, 2)} | ${f(l.p50Ms / l.baselineP50Ms, 1)}× |`,
    '',
    'The dispatcher polls the log every CONSUMER_POLL_MS (50 ms here) and is nudged through Redis on commits; the lag is mostly that.',
    '',
    '## Projection rebuild',
    '',
    `${b.events} events (the ticket streams of the load copied with new ids and numbers until the log held that many), every`,
    'registered projection dropped and replayed (`rebuildProjections`, what `npm run cli -- projections rebuild` runs), API and',
    'worker stopped. Baseline: reading every event once in log order, pages of 1000 by global_position (the floor of any replay).',
    '',
    '| case | events | seconds | events/s | vs baseline |',
    '|---|---:|---:|---:|---:|',
    `| baseline: read the log | ${b.events} | ${f(b.events / b.baselinePerSecond)} | ${f(b.baselinePerSecond, 0)} | 1.00× |`,
    `| rebuild all projections | ${b.events} | ${f(b.seconds)} | ${f(b.perSecond, 0)} | ${f(b.perSecond / b.baselinePerSecond, 2)}× |`,
    '',
    'Larger: `BENCH_ONLY=pipeline BENCH_TIMERS=100000 BENCH_REBUILD_EVENTS=1000000 BENCH_SECONDS=30 npm run bench` (issue 9 sizes).',
    '',
  ].join('\n');
}
