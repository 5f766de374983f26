import { INestApplicationContext } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createWorker } from '../apps/worker/src/bootstrap';
import { MIGRATIONS } from '@kefu/migrations';
import {
  AppConfig,
  typeOrmOptions,
  CommandRunner,
  EventStore,
  inTransaction,
  bullConnection,
  QueueName,
} from '@kefu/platform';
import {
  SlaConfigQueries,
  SlaConfigService,
  deadlineJobId,
  warningJobId,
  SlaConfigProjection,
} from '@kefu/sla';
import { BUSINESS_CALENDAR_STREAM_TYPE, SLA_POLICY_STREAM_TYPE, SlaPolicy } from '@kefu/sla/domain';
import { TicketCommand, TICKET_STREAM_TYPE, decide, initialState } from '@kefu/tickets/domain';
import { TicketViewProjection } from '@kefu/tickets';

// SLA breach latency: how long after its due time a breach is in the log. `timers` tickets are
// written straight to the event store (the real decider's events: TicketOpened, SlaPolicyApplied,
// SlaTargetStarted, with the inline projection) with due times spread evenly over `windowSeconds`,
// starting `leadSeconds` after the seeding began; then the real worker (dispatcher → delayed BullMQ
// jobs → CheckSla → SlaTargetBreached) runs them all. The baselines run the same schedule through a
// bare BullMQ queue: a no-op job, and a job that commits one INSERT in Postgres.

export interface SlaBenchOptions {
  config: AppConfig;
  timers: number;
  windowSeconds: number;
  leadSeconds: number;
  log: (line: string) => void;
}

export interface LatencyRow {
  name: string;
  count: number;
  missing: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  over1s: number;
  /** From the first due time to the last event: how long the schedule took to drain. */
  drainSeconds: number;
}

/** One fired timer: its due time and when its effect was done (epoch ms). */
export type Fired = [due: number, at: number];

export interface SlaBenchReport {
  postgresVersion: string;
  rows: LatencyRow[];
  seedSeconds: number;
  dispatchSeconds: number;
  concurrency: number;
  /** Tickets without a breach when the wait ended whose deadline (or warning) job was still in Redis: late. */
  stillQueued: number;
  /** Tickets without a breach and without a timer job left: lost timers (must be 0). */
  lost: number;
}

/** Ticket i is opened TARGET seconds before its due time (backdated): only the due times matter. */
const TARGET_SECONDS = 3600;
const POLICY: SlaPolicy = {
  id: 'bench',
  name: 'bench',
  priority: 'normal',
  categories: [],
  channels: [],
  firstResponseSeconds: TARGET_SECONDS,
  nextResponseSeconds: 0,
  resolutionSeconds: 0,
  calendarId: null,
  // A warning 36 s before each breach: real load, and timed as well.
  warningRatio: 0.99,
};

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencyRow(name: string, expected: number, fired: Fired[]): LatencyRow {
  const s = fired.map(([due, at]) => at - due).sort((a, b) => a - b);
  const firstDue = Math.min(...fired.map((f) => f[0]));
  const lastAt = Math.max(...fired.map((f) => f[1]));
  return {
    drainSeconds: fired.length ? (lastAt - firstDue) / 1000 : NaN,
    name,
    count: s.length,
    missing: expected - s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    over1s: s.filter((x) => x > 1000).length,
  };
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/**
 * The bench policy is configured as an admin would (event + read row), next to the defaults a fresh
 * install has (migration 016), and wins for the bench tickets (an admin's policy beats a default of
 * the same specificity). The configuration predates every ticket, so its recomputes are recorded
 * done, as they long would be in a running install: otherwise the worker's first minutes would go
 * to recomputing every seeded ticket once per policy and calendar event, and a recompute without
 * the bench policy would move every due time to the default's business hours.
 */
async function configure(ds: DataSource): Promise<void> {
  const queries = new SlaConfigQueries(ds);
  const service = new SlaConfigService(
    new CommandRunner(ds, new EventStore()),
    new SlaConfigProjection(),
    queries,
  );
  await service.upsertPolicy({ kind: 'user', sub: 'bench-admin', role: 'admin' }, POLICY);
  await ds.query(
    `INSERT INTO es_inbox (handler, message_id)
     SELECT 'sla.recompute', 'sla-recompute-' || event_id::text FROM es_events WHERE stream_type = ANY($1)
     ON CONFLICT DO NOTHING`,
    [[SLA_POLICY_STREAM_TYPE, BUSINESS_CALENDAR_STREAM_TYPE]],
  );
}

async function seed(ds: DataSource, n: number, dueOf: (i: number) => number): Promise<void> {
  const store = new EventStore();
  const projection = new TicketViewProjection();
  const rules = await inTransaction(ds, (tx) => new SlaConfigQueries(ds).rulesIn(tx));
  const perTx = 50;
  let next = 0;
  const writer = async () => {
    for (;;) {
      const from = next;
      next += perTx;
      if (from >= n) return;
      await inTransaction(ds, async (tx) => {
        for (let i = from; i < Math.min(n, from + perTx); i++) {
          const ticketId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
          const command = {
            type: 'OpenTicket',
            actor: { role: 'customer', id: `u-${i}`, customerId: `cust-${i}` },
            now: new Date(dueOf(i) - TARGET_SECONDS * 1000).toISOString(),
            data: {
              ticketId,
              number: i + 1,
              subject: 'Payment failed',
              description: 'Declined twice',
              category: 'payment_failed',
            },
            sla: rules,
          } as TicketCommand;
          const events = decide(command, initialState());
          const { events: stored } = await store.append(tx, {
            streamId: ticketId,
            streamType: TICKET_STREAM_TYPE,
            expectedVersion: 'no_stream',
            events: events.map((e) => ({ type: e.type, data: e.data })),
          });
          await projection.apply(tx, stored);
        }
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

/** Until `count()` reaches `n`; after `notBefore`, also ends once it has not moved for `stallMs`. */
async function drained(count: () => Promise<number>, n: number, notBefore: number, stallMs: number) {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const c = await count();
    if (c >= n) return;
    if (c !== last) {
      last = c;
      movedAt = Date.now();
    } else if (Date.now() > Math.max(notBefore, movedAt + stallMs)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The tickets still without a breach after the wait (the worker has stopped): late ones still have
 * their deadline or warning job in Redis (waiting, delayed or active); a ticket with neither lost its
 * timer.
 */
async function unfired(ds: DataSource, config: AppConfig): Promise<{ stillQueued: number; lost: number }> {
  const open = (await ds.query(`SELECT id FROM ticket_view WHERE NOT sla_breached`)) as Array<{ id: string }>;
  if (!open.length) return { stillQueued: 0, lost: 0 };
  const redis = new Redis(config.redisUrl);
  try {
    const key = `${config.queuePrefix}:${QueueName.SlaTimers}`;
    const ids = new Set([
      ...(await redis.lrange(`${key}:wait`, 0, -1)),
      ...(await redis.lrange(`${key}:active`, 0, -1)),
      ...(await redis.zrange(`${key}:delayed`, 0, -1)),
      ...(await redis.zrange(`${key}:prioritized`, 0, -1)),
    ]);
    const queued = open.filter(
      ({ id }) =>
        ids.has(deadlineJobId(id, 'first_response', 1)) || ids.has(warningJobId(id, 'first_response', 1)),
    ).length;
    return { stillQueued: queued, lost: open.length - queued };
  } finally {
    redis.disconnect();
  }
}

/** The same schedule through a bare BullMQ queue; `effect` runs in the job (latency measured after it). */
async function bullBaseline(
  config: AppConfig,
  name: string,
  n: number,
  dueOf: (i: number) => number,
  concurrency: number,
  effect: (due: number) => Promise<void>,
): Promise<Fired[]> {
  const queueName = `bench-baseline-${name.replace(/\W+/g, '-')}`;
  const connection = bullConnection(config.redisUrl);
  const queue = new Queue(queueName, { connection, prefix: config.queuePrefix });
  const out: Fired[] = [];
  const worker = new Worker(
    queueName,
    async (job: Job<{ due: number }>) => {
      await effect(job.data.due);
      out.push([job.data.due, Date.now()]);
    },
    { connection, prefix: config.queuePrefix, concurrency },
  );
  try {
    for (let i = 0; i < n; i += 1000) {
      // BullMQ counts a delay from when the job is added: from this batch's time, not the first
      // batch's (adding 100k jobs takes about a minute here; every job would be late by its batch's offset).
      const now = Date.now();
      await queue.addBulk(
        Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
          name: 'fire',
          data: { due: dueOf(i + k) },
          opts: { jobId: `b-${i + k}`, delay: Math.max(0, dueOf(i + k) - now), removeOnComplete: true },
        })),
      );
    }
    await until(async () => out.length >= n, dueOf(n - 1) - Date.now() + 120_000);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
  return out;
}

export async function runSlaTimersBench(opts: SlaBenchOptions): Promise<SlaBenchReport> {
  const stamp = Date.now();
  const database = `kefu_bench_sla_${stamp}`;
  const adminUrl = new URL(opts.config.databaseUrl);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(opts.config.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const config = opts.config.with({
    databaseUrl: dbUrl.toString(),
    queuePrefix: `kbench-sla-${stamp}`,
    logLevel: 'warn',
    consumerPollMs: 100,
  });
  const n = opts.timers;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const postgresVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string })
    .server_version;
  await admin.query(`CREATE DATABASE ${database}`);
  let worker: INestApplicationContext | undefined;
  const ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });

    // ---- SLA: seed, then the real worker ----
    const base = Date.now() + opts.leadSeconds * 1000;
    const dueOf = (i: number) => base + Math.floor((i * opts.windowSeconds * 1000) / Math.max(1, n - 1));
    await configure(ds);
    const t0 = Date.now();
    await seed(ds, n, dueOf);
    const policies = (await ds.query(
      `SELECT DISTINCT data->>'policyId' AS id FROM es_events WHERE event_type = 'SlaPolicyApplied'`,
    )) as Array<{ id: string }>;
    if (policies.length !== 1 || policies[0].id !== POLICY.id)
      throw new Error(`seeded tickets got policies ${JSON.stringify(policies)}, not only ${POLICY.id}`);
    await ds.query(
      `CREATE INDEX bench_breaches_idx ON es_events (global_position) WHERE event_type = 'SlaTargetBreached'`,
    );
    const seedSeconds = (Date.now() - t0) / 1000;
    opts.log(`seeded ${n} tickets with a pending first-response timer in ${seedSeconds.toFixed(1)} s`);
    const t1 = Date.now();
    worker = await createWorker(config);
    const queue = new Queue(QueueName.SlaTimers, {
      connection: bullConnection(config.redisUrl),
      prefix: config.queuePrefix,
    });
    await until(async () => {
      const c = await queue.getJobCounts('delayed', 'wait', 'active', 'completed', 'failed');
      return Object.values(c).reduce((a, b) => a + b, 0) >= 2 * n;
    }, 600_000);
    await queue.close();
    const dispatchSeconds = (Date.now() - t1) / 1000;
    opts.log(`worker up and ${2 * n} timer jobs in Redis after ${dispatchSeconds.toFixed(1)} s`);
    // The first warning is due 1 % of the target before the first breach.
    if (Date.now() > base - TARGET_SECONDS * 10)
      opts.log(
        'WARNING: the first warning time passed before the timers were scheduled (raise BENCH_SLA_LEAD_SECONDS)',
      );
    // Every breach, however late: the wait ends when all are in, or when none came for a minute after
    // the last due time. The count reads an index of the bench's own (created before the worker
    // started): a count over es_events by type scans the whole log, and at 100k tickets that scan
    // (about 0.9 s of Postgres CPU, repeated) starved the worker it was measuring.
    const breached = async () =>
      Number(
        (
          (await ds.query(
            `SELECT count(*) AS c FROM es_events WHERE event_type = 'SlaTargetBreached'`,
          )) as Array<{ c: string }>
        )[0].c,
      );
    await drained(breached, n, dueOf(n - 1) + 60_000, 60_000);
    const fired = async (type: string, early: number): Promise<Fired[]> =>
      (
        (await ds.query(
          `SELECT data->>'dueAt' AS due, data->>'at' AS at FROM es_events WHERE event_type = $1`,
          [type],
        )) as Array<{ due: string; at: string }>
      ).map((r) => [Date.parse(r.due) - early, Date.parse(r.at)]);
    const breaches = await fired('SlaTargetBreached', 0);
    // A warning's "due" is its warnAt: 1 % of the target before the breach.
    const warnings = await fired('SlaTargetWarned', TARGET_SECONDS * 10);
    await worker.close();
    worker = undefined;
    const { stillQueued, lost } = await unfired(ds, config);
    opts.log(
      `\n${slaTable([
        latencyRow('SLA breach: due → SlaTargetBreached appended', n, breaches),
        latencyRow('SLA warning: warnAt → SlaTargetWarned appended', n, warnings),
      ])}\nnot breached when the wait ended: ${stillQueued} with their timer job still in Redis, ${lost} without (lost)\n`,
    );

    // ---- Baselines, same schedule shape ----
    const concurrency = config.slaTimerConcurrency;
    // The baselines' jobs go in before their first due time: about 1 s per 2 000 jobs here.
    const lead = 10_000 + n;
    const bBase = Date.now() + lead;
    const bDue = (i: number) => bBase + Math.floor((i * opts.windowSeconds * 1000) / Math.max(1, n - 1));
    const noop = await bullBaseline(config, 'noop', n, bDue, concurrency, () => Promise.resolve());
    opts.log(`\n${slaTable([latencyRow('baseline: bare BullMQ delayed job (no-op)', n, noop)])}\n`);
    const pool = new Pool({ connectionString: config.databaseUrl, max: concurrency });
    await pool.query(
      `CREATE TABLE bench_fired (due timestamptz NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
    const pBase = Date.now() + lead;
    const pDue = (i: number) => pBase + Math.floor((i * opts.windowSeconds * 1000) / Math.max(1, n - 1));
    const withPg = await bullBaseline(config, 'pg', n, pDue, concurrency, async (due) => {
      await pool.query(`INSERT INTO bench_fired (due) VALUES ($1)`, [new Date(due)]);
    });
    await pool.end();
    return {
      postgresVersion,
      seedSeconds,
      dispatchSeconds,
      concurrency,
      stillQueued,
      lost,
      rows: [
        latencyRow('baseline: bare BullMQ delayed job (no-op)', n, noop),
        latencyRow('baseline: BullMQ delayed job + one Postgres INSERT', n, withPg),
        latencyRow('SLA breach: due → SlaTargetBreached appended', n, breaches),
        latencyRow('SLA warning: warnAt → SlaTargetWarned appended', n, warnings),
      ],
    };
  } finally {
    await worker?.close().catch(() => undefined);
    if (ds.isInitialized) await ds.destroy();
    const redis = new Redis(config.redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export function slaTable(rows: LatencyRow[]): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
  return [
    '| case | fired | missing | p50 ms | p90 ms | p99 ms | max ms | mean ms | > 1 s late | drained in s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.count} | ${r.missing} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.mean)} | ${r.over1s} | ${r.drainSeconds.toFixed(1)} |`,
    ),
  ].join('\n');
}
