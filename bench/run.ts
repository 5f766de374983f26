import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@kefu/platform';
import { runAppendBench } from './append.bench';
import { CaseResult } from './measure';

// `npm run bench`: compiled by tsconfig.bench.json into dist-bench/, run from there. Runs the append
// benchmark, then the tickets benchmark; BENCH_ONLY=append or BENCH_ONLY=tickets runs one of them.
// BENCH_SECONDS (default 5) per case, BENCH_WARMUP_SECONDS (default 1), BENCH_WRITERS (append, default
// "1,32"), BENCH_REST_CLIENTS (tickets over REST, default "1,50"), BENCH_GRAPHQL_CLIENTS (ticket pages,
// default "1,8"), BENCH_TICKETS (seeded tickets, default 100000), BENCH_CASES (tickets: "pages" or "rest" runs
// only that half and keeps the other half's rows in tickets.md), BENCH_EVENTS_PER_TICKET (events seeded behind each
// ticket, default none; 10 with 100000 tickets = the 1M-event case). BENCH_ONLY=read-profile: a CPU profile of the
// GraphQL ticket page (read-profile.bench.ts → bench/results/read-profile.md). BENCH_ONLY=sla: SLA breach latency with
// BENCH_SLA_TIMERS pending timers (default 100000) due over BENCH_SLA_WINDOW_SECONDS (default timers/100),
// the first one BENCH_SLA_LEAD_SECONDS after seeding starts (default 100 + timers/150: seeding, worker start-up and the 36 s warning lead).
// BENCH_ONLY=pipeline: API/worker RSS under load, dispatcher lag and projection rebuild (pipeline.bench.ts),
// sized by BENCH_PIPELINE_CLIENTS (default 50), BENCH_TIMERS (pending timers, default 10000),
// BENCH_LAG_SAMPLES (default 50) and BENCH_REBUILD_EVENTS (default 100000). BENCH_ONLY=answers: self-service
// answer accuracy on the labelled questions (answers.bench.ts → bench/results/answers.md).
// DATABASE_URL names the server (each benchmark creates a fresh kefu_bench_<ts> database on it and drops it).
const ROOT = join(__dirname, '..', '..');
const RESULT_FILE = join(ROOT, 'bench', 'results', 'append.md');
const TICKETS_RESULT_FILE = join(ROOT, 'bench', 'results', 'tickets.md');
const SLA_RESULT_FILE = join(ROOT, 'bench', 'results', 'sla.md');
const PIPELINE_RESULT_FILE = join(ROOT, 'bench', 'results', 'pipeline.md');
const ANSWERS_RESULT_FILE = join(ROOT, 'bench', 'results', 'answers.md');

type Log = (line: string) => void;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

function counts(name: string, fallback: string): number[] {
  const list = (process.env[name] || fallback).split(',').map((s) => Number(s));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name}: comma-separated counts`);
  return list;
}

/** The machine lines both result files start with. */
function machineLines(postgresVersion: string, loadBefore: number): string[] {
  const cpu = cpus();
  return [
    `- Node ${process.version}, Postgres ${postgresVersion} (default settings, same host, over TCP 127.0.0.1)`,
    `- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `- The benchmark, Postgres (and whatever else runs on this machine) share those cores; 1-minute load average ` +
      `${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end. Compare ratios, not absolutes.`,
  ];
}

function table(results: CaseResult[]): string {
  const baseline = new Map(
    results.filter((r) => r.name.startsWith('baseline')).map((r) => [r.writers, r.perSecond]),
  );
  const lines = [
    '| case | writers | appends/s | p50 ms | p99 ms | vs baseline | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const base = baseline.get(r.writers);
    const ratio = base ? `${(r.perSecond / base).toFixed(2)}×` : '–';
    lines.push(
      `| ${r.name} | ${r.writers} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${ratio} | ${r.errors} |`,
    );
  }
  return lines.join('\n');
}

async function runAppend(config: AppConfig, seconds: number, warmupSeconds: number, log: Log): Promise<void> {
  const concurrencies = counts('BENCH_WRITERS', '1,32');
  const started = new Date();
  const loadBefore = loadavg()[0];
  const report = await runAppendBench({ config, seconds, warmupSeconds, concurrencies, log });
  const md = [
    '# Append benchmark',
    '',
    `Run ${started.toISOString()} with \`npm run bench\` (bench/append.bench.ts): ${seconds} s per case after ` +
      `${warmupSeconds} s of warm-up, closed-loop writers, one fresh migrated database.`,
    '',
    ...machineLines(report.postgresVersion, loadBefore),
    '',
    table(report.results),
    '',
    'Cases: **baseline** is plain node-pg `BEGIN; INSERT INTO bench_baseline (jsonb); COMMIT` through a `pg.Pool`',
    '(the floor any transactional write pays); **new stream** is `inTransaction(ds, tx => store.append(tx, {streamId: <new uuid>,',
    "expectedVersion: 'no_stream', events: [1 event]}))`; **existing stream** appends one event with the exact expected",
    "version to a stream owned by that writer. Both go through `inTransaction` (TypeORM's query runner: `START TRANSACTION`,",
    '`SET TRANSACTION ISOLATION LEVEL READ COMMITTED`, the `es_append` call, `COMMIT` = 4 round trips) and the `es_append`',
    'SQL function (stream row lock, version check, insert, version bump). The **diagnostic** row calls `es_append` for a',
    'new stream through a bare pg client (`BEGIN`, `SELECT es_append(…)`, `COMMIT` = 3 round trips, like the baseline),',
    'which separates the cost of the SQL function from the query-runner overhead.',
    '"vs baseline" is the throughput ratio to the baseline measured in the same run with the same number of writers.',
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULT_FILE, md);
  log(`\n${table(report.results)}\n\nwritten to ${RESULT_FILE}`);
}

async function runTickets(seconds: number, warmupSeconds: number, log: Log): Promise<void> {
  // The API runs as deployed (docker/Dockerfile sets NODE_ENV=production). graphql-js and Express pick
  // their production code paths from NODE_ENV when they are loaded, so it is set before the import; the
  // production config gets throwaway secrets.
  process.env.NODE_ENV = 'production';
  const config = loadConfig({
    ...process.env,
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  const { runTicketsBench } = await import('./tickets.bench');
  const { keepRowsNotRun, ticketsMarkdown, ticketsTable } = await import('./tickets-report');
  // BENCH_CASES=pages or rest: one half of the tickets benchmark; the other half's rows are kept.
  const only = process.env.BENCH_CASES ?? '';
  if (!['', 'pages', 'rest'].includes(only)) throw new Error('BENCH_CASES: pages or rest (unset: both)');
  const cases = { pages: only !== 'rest', rest: only !== 'pages' };
  const started = new Date();
  const loadBefore = loadavg()[0];
  const report = await runTicketsBench({
    config,
    seconds,
    warmupSeconds,
    restClients: counts('BENCH_REST_CLIENTS', '1,50'),
    graphqlClients: counts('BENCH_GRAPHQL_CLIENTS', '1,8'),
    tickets: Math.trunc(positive('BENCH_TICKETS', 100_000)),
    eventsPerTicket: process.env.BENCH_EVENTS_PER_TICKET
      ? Math.trunc(positive('BENCH_EVENTS_PER_TICKET', 10))
      : undefined,
    cases,
    log,
  });
  const environment = machineLines(report.postgresVersion, loadBefore);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  let md = ticketsMarkdown(report, { started, seconds, warmupSeconds, environment });
  if (!(cases.pages && cases.rest) && existsSync(TICKETS_RESULT_FILE))
    md = keepRowsNotRun(readFileSync(TICKETS_RESULT_FILE, 'utf8'), md, cases);
  writeFileSync(TICKETS_RESULT_FILE, md);
  log(`\n${ticketsTable(report.cases)}\n\nwritten to ${TICKETS_RESULT_FILE}`);
}

async function runSla(log: Log): Promise<void> {
  const { runSlaTimersBench, slaTable } = await import('./sla-timers.bench');
  const timers = Math.trunc(positive('BENCH_SLA_TIMERS', 100_000));
  const windowSeconds = positive('BENCH_SLA_WINDOW_SECONDS', Math.max(10, timers / 100));
  const leadSeconds = positive('BENCH_SLA_LEAD_SECONDS', 100 + timers / 150);
  const started = new Date();
  const loadBefore = loadavg()[0];
  const r = await runSlaTimersBench({ config: loadConfig(), timers, windowSeconds, leadSeconds, log });
  const md = [
    '# SLA timers benchmark',
    '',
    `Run ${started.toISOString()} with \`BENCH_ONLY=sla BENCH_SLA_TIMERS=${timers} npm run bench\` (bench/sla-timers.bench.ts): ` +
      `${timers} tickets, each with a pending first-response timer, due evenly over ${windowSeconds} s ` +
      `(${(timers / windowSeconds).toFixed(0)} breaches/s), the first ${leadSeconds} s after seeding started; ` +
      `SLA timer concurrency ${r.concurrency} (SLA_TIMER_CONCURRENCY), one worker process in the benchmark's process.`,
    '',
    ...machineLines(r.postgresVersion, loadBefore),
    '',
    slaTable(r.rows),
    '',
    `Seeding (events written straight to the store with the real decider and inline projection) took ` +
      `${r.seedSeconds.toFixed(1)} s; the worker booted and had all ${2 * timers} timer jobs (deadline + warning) ` +
      `in Redis ${r.dispatchSeconds.toFixed(1)} s later, before the first due time. Timers lost: ${r.lost}` +
      (r.stillQueued
        ? ` (${r.stillQueued} not yet breached when the wait ended, their jobs still in Redis: late)`
        : '') +
      '.',
    '',
    'Latency is measured from the due time to the `at` of the appended event (the command time, just before',
    "the append commits), so it covers BullMQ firing the delayed job, the pre-check read of the ticket's clocks,",
    'the job loading the ticket stream, deciding, appending and projecting; the same worker process also runs',
    'what each breach triggers (escalation, routing). The baselines run the same schedule through a bare BullMQ',
    'queue with the same concurrency: a no-op job (BullMQ alone; Redis `hz` decides how often delayed jobs are',
    'promoted), and a job that commits one INSERT through a pg pool (the floor of any job that writes).',
    '"drained in" runs from the first due time to the last event: a schedule the worker cannot keep up with',
    'drains later than the window, and its lateness grows along the window.',
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(SLA_RESULT_FILE, md);
  log(`\n${slaTable(r.rows)}\n\nwritten to ${SLA_RESULT_FILE}`);
}

async function runPipeline(seconds: number, log: Log): Promise<void> {
  const { runPipelineBench } = await import('./pipeline.bench');
  const { pipelineMarkdown } = await import('./pipeline-report');
  const started = new Date();
  const loadBefore = loadavg()[0];
  const report = await runPipelineBench({
    config: loadConfig(),
    seconds,
    restClients: Math.trunc(positive('BENCH_PIPELINE_CLIENTS', 50)),
    pendingTimers: Math.trunc(positive('BENCH_TIMERS', 10_000)),
    lagSamples: Math.trunc(positive('BENCH_LAG_SAMPLES', 50)),
    rebuildEvents: Math.trunc(positive('BENCH_REBUILD_EVENTS', 100_000)),
    log,
  });
  const md = pipelineMarkdown(report, {
    started,
    seconds,
    environment: machineLines(report.postgresVersion, loadBefore),
  });
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(PIPELINE_RESULT_FILE, md);
  log(`\nwritten to ${PIPELINE_RESULT_FILE}`);
}

async function runAnswers(log: Log): Promise<void> {
  const { runAnswersBench, answersMarkdown } = await import('./answers.bench');
  const started = new Date();
  const loadBefore = loadavg()[0];
  const r = await runAnswersBench({ config: loadConfig(), log });
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    ANSWERS_RESULT_FILE,
    answersMarkdown(r, { started, environment: machineLines(r.postgresVersion, loadBefore) }),
  );
  log(`\nwritten to ${ANSWERS_RESULT_FILE}`);
}

const READ_PROFILE_FILE = join(ROOT, 'bench', 'results', 'read-profile.md');

/**
 * BENCH_ONLY=read-profile: the GraphQL page under the CPU profiler. BENCH_PROFILE_LABEL (default "after")
 * names the section of read-profile.md it (re)writes, so a before and an after profile sit side by side.
 */
async function runReadProfileBench(seconds: number, log: Log): Promise<void> {
  process.env.NODE_ENV = 'production';
  const config = loadConfig({
    ...process.env,
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  const { runReadProfile, readProfileMarkdown } = await import('./read-profile.bench');
  const label = process.env.BENCH_PROFILE_LABEL || 'after';
  const started = new Date();
  const loadBefore = loadavg()[0];
  const r = await runReadProfile({
    config,
    tickets: Math.trunc(positive('BENCH_TICKETS', 20_000)),
    seconds,
    log,
  });
  const section = readProfileMarkdown(r, {
    started,
    label,
    environment: machineLines(r.postgresVersion, loadBefore),
  });
  const head = '# GraphQL read path: CPU profile of the 50-ticket page\n';
  const old = existsSync(READ_PROFILE_FILE) ? readFileSync(READ_PROFILE_FILE, 'utf8') : head;
  const sections = old.split(/^(?=## )/m);
  const i = sections.findIndex((s) => s.startsWith(`## ${label}:`));
  if (i >= 0) sections[i] = section;
  else sections.push(section);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(READ_PROFILE_FILE, sections.map((s) => s.trimEnd()).join('\n\n') + '\n');
  log(`written to ${READ_PROFILE_FILE}`);
}

const WRITE_PROFILE_FILE = join(ROOT, 'bench', 'results', 'write-profile.md');

/** BENCH_ONLY=write-profile: one section of write-profile.md per BENCH_PROFILE_LABEL (replaced when rerun). */
async function runWriteProfileBench(seconds: number, log: Log): Promise<void> {
  process.env.NODE_ENV = 'production';
  const config = loadConfig({
    ...process.env,
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  const { runWriteProfile, writeProfileSection } = await import('./write-profile.bench');
  const label = process.env.BENCH_PROFILE_LABEL || 'latest';
  const started = new Date();
  const loadBefore = loadavg()[0];
  const r = await runWriteProfile({
    config,
    seconds,
    clients: Math.trunc(positive('BENCH_PROFILE_CLIENTS', 50)),
    profileFile: join(ROOT, 'dist-bench', `write-profile-${label.replace(/[^\w-]/g, '_')}.cpuprofile`),
    log,
  });
  const section = [
    writeProfileSection(r, label, started),
    ...machineLines(r.postgresVersion, loadBefore),
    '',
    `The raw profile: ${r.profileFile.slice(ROOT.length + 1)} (open in Chrome DevTools or speedscope).`,
    '',
  ].join('\n');
  const head = [
    '# Write-path profile: POST /v1/tickets',
    '',
    'Reproduce a section with `BENCH_ONLY=write-profile BENCH_PROFILE_LABEL=<label> BENCH_SECONDS=3 npm run bench`',
    '(bench/write-profile.bench.ts; BENCH_PROFILE_CLIENTS, default 50). One fresh migrated database; the API',
    '(createApiApp, NODE_ENV=production, LOG_LEVEL=warn) and the baseline app (bench/baseline-app.ts) in this',
    "process; the load generator in a worker thread. The CPU profile is V8's sampling profiler (what `node --cpu-prof`",
    'records), started through the inspector on the thread that serves both apps, during a closed-loop run of',
    'the given clients against each app in turn; the statement counts come from tracing `pg.Client.prototype.query`',
    'while one client sends requests in sequence (bench/query-trace.ts). Each POST carries the ~700-byte body and',
    'a unique Idempotency-Key, as in bench/tickets.bench.ts.',
    '',
  ].join('\n');
  const { existsSync, readFileSync } = await import('node:fs');
  const old = existsSync(WRITE_PROFILE_FILE) ? readFileSync(WRITE_PROFILE_FILE, 'utf8') : '';
  const sections = old
    .split(/^(?=## )/m)
    .slice(1)
    .filter((s) => !s.startsWith(`## ${label}\n`));
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(WRITE_PROFILE_FILE, [head, ...sections, section].join('\n').replace(/\n{3,}/g, '\n\n'));
  log(`${section}\nwritten to ${WRITE_PROFILE_FILE}`);
}

async function main(): Promise<void> {
  const seconds = positive('BENCH_SECONDS', 5);
  const warmupSeconds = positive('BENCH_WARMUP_SECONDS', 1);
  const only = process.env.BENCH_ONLY ?? '';
  const modes = ['', 'append', 'tickets', 'sla', 'pipeline', 'answers', 'read-profile', 'write-profile'];
  if (!modes.includes(only))
    throw new Error(
      'BENCH_ONLY: append, tickets, sla, pipeline, answers, read-profile or write-profile (unset: all)',
    );
  const log: Log = (line) => process.stdout.write(`${line}\n`);
  if (only === 'read-profile') return runReadProfileBench(seconds, log);
  if (only === 'write-profile') return runWriteProfileBench(seconds, log);
  if (only === '' || only === 'append') await runAppend(loadConfig(), seconds, warmupSeconds, log);
  if (only === '' || only === 'sla') await runSla(log);
  if (only === '' || only === 'pipeline') await runPipeline(seconds, log);
  if (only === '' || only === 'answers') await runAnswers(log);
  // Last: it switches this process to NODE_ENV=production.
  if (only === '' || only === 'tickets') await runTickets(seconds, warmupSeconds, log);
}

main()
  .catch((e: unknown) => {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 1;
  })
  // An app that failed half-way through booting can leave connections open; end the run anyway.
  .finally(() => setTimeout(() => process.exit(), 2000).unref());
