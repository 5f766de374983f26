import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@kefu/migrations';
import {
  AppConfig,
  typeOrmOptions,
  ApiKeyService,
  JwtService,
  EventStore,
  ProjectionRegistry,
  rebuildProjections,
  JobName,
  QueueName,
  jobId,
} from '@kefu/platform';
import { ProjectionsCliModule } from '../apps/cli/src/projections.module';
import { percentile, runHttpLoad } from './http-load';

// The pipeline around the API: the API and the worker as separate processes (the compiled
// dist-bench build, NODE_ENV=production), their RSS under a REST load; the dispatcher's lag from a
// committed event to its job in Redis with many timers pending; and the projection rebuild rate.

export interface PipelineBenchOptions {
  config: AppConfig;
  seconds: number;
  restClients: number;
  pendingTimers: number;
  lagSamples: number;
  rebuildEvents: number;
  log: (line: string) => void;
}

export interface RssStats {
  idleMiB: number;
  peakMiB: number;
  meanMiB: number;
}

export interface PipelineBenchReport {
  postgresVersion: string;
  load: {
    clients: number;
    perSecond: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    catchUpMs: number;
  };
  rss: { api: RssStats; worker: RssStats };
  lag: {
    pendingTimers: number;
    samples: number;
    p50Ms: number;
    p99Ms: number;
    baselineP50Ms: number;
    baselineP99Ms: number;
    seedMs: number;
  };
  rebuild: { events: number; seconds: number; perSecond: number; baselinePerSecond: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function spawnApp(which: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  // dist-bench/bench/pipeline.bench.js → dist-bench/apps/<which>/src/main.js (the tsc build of npm run bench)
  const main = join(__dirname, '..', 'apps', which, 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const stats = (samples: number[], idle: number): RssStats => ({
  idleMiB: idle,
  peakMiB: Math.max(...samples),
  meanMiB: samples.reduce((a, b) => a + b, 0) / samples.length,
});

export async function runPipelineBench(opts: PipelineBenchOptions): Promise<PipelineBenchReport> {
  Logger.overrideLogger(['warn', 'error']); // the services used directly here log at info
  const server = new URL(opts.config.databaseUrl);
  const database = `kefu_bench_pipe_${Date.now()}`;
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${database}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const postgresVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string })
    .server_version;
  await admin.query(`CREATE DATABASE ${database}`);
  const prefix = `kbp${Date.now()}`;
  const secret = randomBytes(32).toString('base64url');
  const config = opts.config.with({ databaseUrl: dbUrl.toString(), queuePrefix: prefix, jwtSecret: secret });
  const env = {
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: secret,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: config.redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    AUTH_FAILURE_LIMIT: '0',
    // Solved tickets keep their auto-close timer pending for the whole run.
    TICKET_AUTO_CLOSE_SECONDS: '86400',
    CONSUMER_POLL_MS: '50',
  };
  let ds: DataSource | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let queue: Queue | undefined;
  try {
    ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const apiKey = (await new ApiKeyService(ds).create('phone', 'bench-partner')).secret;
    const bearer = `Bearer ${new JwtService(config).sign({ sub: 'agent-1', role: 'agent' })}`;

    const port = await freePort();
    api = spawnApp('api', { ...env, PORT: String(port) });
    worker = spawnApp('worker', env);
    const url = `http://127.0.0.1:${port}`;
    for (
      let i = 0;
      !(await fetch(`${url}/health/ready`)
        .then((r) => r.ok)
        .catch(() => false));
      i++
    ) {
      if (i > 600) throw new Error('API not ready in 60 s');
      await sleep(100);
    }
    await sleep(2000);
    const idle = { api: rssMiB(api.pid), worker: rssMiB(worker.pid) };
    opts.log(
      `API and worker up (RSS idle: API ${idle.api.toFixed(0)} MiB, worker ${idle.worker.toFixed(0)} MiB)`,
    );

    // 1. RSS under a REST load (the worker dispatches and projects what the API writes).
    const samples = { api: [] as number[], worker: [] as number[] };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.api.push(rssMiB(api?.pid));
        samples.worker.push(rssMiB(worker?.pid));
        await sleep(250);
      }
    })();
    const body = JSON.stringify({
      subject: 'Card charged twice {{n}}',
      description: 'Two identical charges',
      category: 'payment_failed',
      customer: { id: 'cust-{{n}}' },
    });
    const load = await runHttpLoad({
      port,
      method: 'POST',
      path: '/v1/tickets',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': 'pipe-{{n}}' },
      body,
      expectStatus: 201,
      clients: opts.restClients,
      seconds: opts.seconds,
      warmupSeconds: 1,
    });
    const loadEnd = Date.now();
    const behind = async () =>
      Number(
        (
          (await ds!.query(
            `SELECT coalesce(max((SELECT count(*) FROM es_events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))), 1) AS n
             FROM es_checkpoints c WHERE c.consumer = 'job-dispatcher'`,
          )) as Array<{ n: string }>
        )[0].n,
      );
    while ((await behind()) > 0) await sleep(50);
    const catchUpMs = Date.now() - loadEnd;
    sampling = false;
    await sampler;
    opts.log(
      `REST load: ${load.perSecond.toFixed(0)} req/s, p99 ${load.p99Ms.toFixed(1)} ms; dispatcher caught up ${catchUpMs} ms after`,
    );

    // 2. Dispatcher lag with many pending timers (delayed BullMQ jobs in the tickets queue).
    queue = new Queue(QueueName.Tickets, { connection: { url: config.redisUrl } as never, prefix });
    const seedStart = Date.now();
    for (let i = 0; i < opts.pendingTimers; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, opts.pendingTimers - i) }, (_, k) => ({
          name: JobName.AutoCloseTicket,
          data: { ticketId: randomUUID(), quietPeriodSeconds: 86400 },
          opts: { jobId: jobId('bench-timer', i + k), delay: 86_400_000 },
        })),
      );
    }
    const seedMs = Date.now() - seedStart;
    opts.log(`${opts.pendingTimers} pending timers added in ${seedMs} ms`);
    const waitForJob = async (id: string, t0: number, limitMs = 30_000): Promise<number> => {
      for (;;) {
        if (await queue!.getJob(id)) return performance.now() - t0;
        if (performance.now() - t0 > limitMs) throw new Error(`job ${id} not in Redis after ${limitMs} ms`);
        await sleep(1);
      }
    };
    const lags: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < opts.lagSamples; i++) {
      const opened = await fetch(`${url}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({
          subject: `lag ${i}`,
          description: 'd',
          category: 'payment_failed',
          customer: { id: `lag-${i}` },
        }),
      });
      const ticketId = ((await opened.json()) as { id: string }).id;
      const solved = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer },
        body: JSON.stringify({
          query: 'mutation($i: SetTicketStatusInput!) { setTicketStatus(input: $i) { id } }',
          variables: { i: { ticketId, status: 'SOLVED' } },
        }),
      });
      const committed = performance.now(); // the answer comes after the commit
      await solved.text();
      const [ev] = (await ds.query(
        `SELECT event_id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged' ORDER BY stream_position DESC LIMIT 1`,
        [ticketId],
      )) as Array<{ event_id: string }>;
      lags.push(await waitForJob(jobId('auto-close', ev.event_id), committed));
      // Baseline: the same job put into Redis directly by the client (the floor of any dispatch).
      const t0 = performance.now();
      const id = jobId('bench-direct', i);
      await queue.add(
        JobName.AutoCloseTicket,
        { ticketId, quietPeriodSeconds: 86400 },
        { jobId: id, delay: 86_400_000 },
      );
      base.push(await waitForJob(id, t0));
    }
    const sorted = (a: number[]) => Float64Array.from(a).sort();
    const lag = {
      pendingTimers: opts.pendingTimers,
      samples: opts.lagSamples,
      p50Ms: percentile(sorted(lags), 50),
      p99Ms: percentile(sorted(lags), 99),
      baselineP50Ms: percentile(sorted(base), 50),
      baselineP99Ms: percentile(sorted(base), 99),
      seedMs,
    };
    opts.log(
      `dispatcher lag p50 ${lag.p50Ms.toFixed(1)} ms p99 ${lag.p99Ms.toFixed(1)} ms (direct add p50 ${lag.baselineP50Ms.toFixed(2)} ms)`,
    );

    // 3. Projection rebuild over rebuildEvents events: the ticket streams copied (new ids and numbers).
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await sleep(1000);
    const count = async () =>
      Number(((await ds!.query(`SELECT count(*) AS n FROM es_events`)) as Array<{ n: string }>)[0].n);
    await ds.query(`CREATE TABLE bench_src AS SELECT stream_id FROM es_streams WHERE stream_type = 'ticket'`);
    const [{ max }] = (await ds.query(`SELECT max(global_position) AS max FROM es_events`)) as Array<{
      max: string;
    }>;
    // Copy k of every ticket stream: ids replaced everywhere in the payload, numbers suffixed (unique).
    for (let k = 1; (await count()) < opts.rebuildEvents; k++) {
      const newId = `md5(src.stream_id || '-${k}')::uuid::text`;
      await ds.transaction(async (m) => {
        await m.query(
          `INSERT INTO es_streams (stream_id, stream_type, version)
           SELECT ${newId}, s.stream_type, s.version FROM es_streams s JOIN bench_src src USING (stream_id)`,
        );
        await m.query(
          `INSERT INTO es_events (stream_id, stream_type, stream_position, event_id, event_type, schema_version, data, metadata)
           SELECT ${newId}, e.stream_type, e.stream_position, gen_random_uuid(), e.event_type, e.schema_version,
                  CASE WHEN e.event_type = 'TicketOpened'
                       THEN jsonb_set(replace(e.data::text, e.stream_id, ${newId})::jsonb, '{number}', to_jsonb((e.data->>'number') || '-${k}'))
                       ELSE replace(e.data::text, e.stream_id, ${newId})::jsonb END,
                  e.metadata
             FROM es_events e JOIN bench_src src USING (stream_id)
            WHERE e.global_position <= $1
            ORDER BY e.global_position`,
          [max],
        );
      });
    }
    const events = await count();
    // Baseline: reading every event once, in log order, in pages of 1000 (the floor of any replay).
    const readStart = performance.now();
    for (let after = 0; ;) {
      const page = (await ds.query(
        `SELECT global_position, event_type, data, metadata FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT 1000`,
        [after],
      )) as Array<{ global_position: string }>;
      if (page.length === 0) break;
      after = Number(page[page.length - 1].global_position);
    }
    const readSeconds = (performance.now() - readStart) / 1000;
    const app = await NestFactory.createApplicationContext(ProjectionsCliModule.forRoot(config), {
      logger: false,
    });
    let rebuildSeconds: number;
    try {
      const started = performance.now();
      await rebuildProjections(app.get(DataSource), app.get(EventStore), app.get(ProjectionRegistry).list());
      rebuildSeconds = (performance.now() - started) / 1000;
    } finally {
      await app.close();
    }
    const rebuild = {
      events,
      seconds: rebuildSeconds,
      perSecond: events / rebuildSeconds,
      baselinePerSecond: events / readSeconds,
    };
    opts.log(
      `rebuild: ${events} events in ${rebuildSeconds.toFixed(1)} s (${rebuild.perSecond.toFixed(0)}/s; plain read ${rebuild.baselinePerSecond.toFixed(0)}/s)`,
    );

    return {
      postgresVersion,
      load: {
        clients: opts.restClients,
        perSecond: load.perSecond,
        p50Ms: load.p50Ms,
        p99Ms: load.p99Ms,
        errors: load.errors,
        catchUpMs,
      },
      rss: { api: stats(samples.api, idle.api), worker: stats(samples.worker, idle.worker) },
      lag,
      rebuild,
    };
  } finally {
    api?.kill('SIGKILL');
    worker?.kill('SIGKILL');
    if (queue) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await ds?.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
