import { NestExpressApplication } from '@nestjs/platform-express';
import { Session } from 'node:inspector/promises';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '@kefu/migrations';
import { ApiKeyService, AppConfig, typeOrmOptions } from '@kefu/platform';
import { BASELINE_TABLE_SQL, createBaselineApp } from './baseline-app';
import { HttpLoadResult, runHttpLoad } from './http-load';
import { traceQueries } from './query-trace';
import { ticketBody } from './tickets.bench';

// BENCH_ONLY=write-profile: the write path under a V8 CPU profile (the same sampler as `node --cpu-prof`,
// started through the inspector on the thread that runs the API, so the load generator's worker thread
// is not in it), summarised by package; and the SQL statements of one POST /v1/tickets, counted per request.

export interface ProfileRow {
  name: string;
  selfMs: number;
  totalMs: number;
}

export interface WriteProfileReport {
  postgresVersion: string;
  clients: number;
  seconds: number;
  ours: HttpLoadResult;
  baseline: HttpLoadResult;
  /** CPU time (profile samples that are not idle) per request, ours and the baseline. */
  cpuMsPerRequest: { ours: number; baseline: number };
  packages: ProfileRow[];
  functions: ProfileRow[];
  statements: Array<{ sql: string; perRequest: number; avgMs: number }>;
  statementsPerRequest: { ours: number; baseline: number };
  roundTripsPerRequest: { ours: number; baseline: number };
  profileFile: string;
}

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or part of Kefu, or V8/Node) a frame belongs to. */
export function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (core)';
  const m = /\/(libs\/[^/]+|apps\/[^/]+|bench|migrations)\//.exec(url);
  return m ? `kefu ${m[1]}` : url;
}

export function summariseProfile(p: CpuProfile): {
  busyMs: number;
  packages: ProfileRow[];
  functions: ProfileRow[];
} {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const pkgSelf = new Map<string, number>();
  const pkgTotal = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(p.samples[i]);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    // The harness itself (the profiler's stop, the load's bookkeeping) is not the API's cost.
    let harness = false;
    for (let n: CpuNode | undefined = leaf; n && !harness; n = byId.get(parent.get(n.id) ?? -1))
      harness = packageOf(n.callFrame.url, n.callFrame.functionName) === 'kefu bench';
    if (harness) continue;
    busy += ms;
    const pkgs = new Set<string>();
    const fns = new Set<string>();
    for (let n: CpuNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const f = n.callFrame;
      if (f.functionName === '(root)') break;
      const pkg = packageOf(f.url, f.functionName);
      const fn = `${f.functionName || '(anonymous)'} ${pkg}${f.url ? `:${f.lineNumber + 1}` : ''}`;
      if (n === leaf) {
        pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + ms);
        fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + ms);
      }
      pkgs.add(pkg);
      fns.add(fn);
    }
    for (const k of pkgs) pkgTotal.set(k, (pkgTotal.get(k) ?? 0) + ms);
    for (const k of fns) fnTotal.set(k, (fnTotal.get(k) ?? 0) + ms);
  }
  const rows = (self: Map<string, number>, total: Map<string, number>) =>
    [...total.keys()]
      .map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name) ?? 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { busyMs: busy, packages: rows(pkgSelf, pkgTotal), functions: rows(fnSelf, fnTotal) };
}

export async function runWriteProfile(opts: {
  config: AppConfig;
  seconds: number;
  clients: number;
  profileFile: string;
  log: (line: string) => void;
}): Promise<WriteProfileReport> {
  const stamp = Date.now();
  const database = `kefu_bench_${stamp}`;
  const adminUrl = new URL(opts.config.databaseUrl);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(opts.config.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const config = opts.config.with({
    databaseUrl: dbUrl.toString(),
    queuePrefix: `kbench-${stamp}`,
    logLevel: 'warn',
    graphqlPlayground: false,
  });
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const postgresVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string })
    .server_version;
  await admin.query(`CREATE DATABASE ${database}`);
  let api: NestExpressApplication | undefined;
  let baseline: NestExpressApplication | undefined;
  try {
    const ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.query(BASELINE_TABLE_SQL);
    await ds.destroy();
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    baseline = await createBaselineApp({
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPoolSize,
      piiMasterKey: config.piiMasterKey,
    });
    await baseline.listen(0, '127.0.0.1');
    const port = (a: NestExpressApplication) => (a.getHttpServer().address() as AddressInfo).port;
    const apiKey = (await api.get(ApiKeyService).create('phone', 'bench partner')).secret;
    const body = ticketBody();
    const json = { 'content-type': 'application/json' };
    const ours = {
      port: port(api),
      method: 'POST',
      path: '/v1/tickets',
      headers: { ...json, 'x-api-key': apiKey, 'idempotency-key': `wp-{{n}}` },
      body,
      expectStatus: 201,
    } as const;
    const base = {
      port: port(baseline),
      method: 'POST',
      path: '/baseline',
      headers: json,
      body,
      expectStatus: 201,
    } as const;
    let seq = 0;
    const load = async (spec: typeof ours | typeof base, clients: number, seconds: number) => {
      const r = await runHttpLoad({ ...spec, clients, seconds, warmupSeconds: 0, firstSeq: seq });
      seq += r.ok + r.errors + 1_000_000;
      return r;
    };
    // Warm both (JIT, pools, caches).
    await load(ours, opts.clients, 1);
    await load(base, opts.clients, 1);

    // Round trips: one client in sequence, every statement traced.
    const traceRun = async (spec: typeof ours | typeof base) => {
      const t = traceQueries();
      const r = await load(spec, 1, Math.min(2, opts.seconds));
      t.stop();
      return { r, records: t.records };
    };
    const tracedOurs = await traceRun(ours);
    const tracedBase = await traceRun(base);
    const n = tracedOurs.r.ok + tracedOurs.r.errors;
    const bySql = new Map<string, { count: number; ms: number }>();
    for (const q of tracedOurs.records) {
      const s = bySql.get(q.sql) ?? { count: 0, ms: 0 };
      s.count++;
      s.ms += q.ms;
      bySql.set(q.sql, s);
    }
    const statements = [...bySql.entries()]
      .map(([sql, s]) => ({ sql, perRequest: s.count / n, avgMs: s.ms / s.count }))
      .sort((a, b) => b.perRequest - a.perRequest);

    // CPU: the profiler on this thread while `clients` clients hammer each app in turn.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    const profiled = async (spec: typeof ours | typeof base) => {
      await session.post('Profiler.start');
      const r = await load(spec, opts.clients, opts.seconds);
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      return { r, profile };
    };
    const po = await profiled(ours);
    const pb = await profiled(base);
    session.disconnect();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(opts.profileFile, JSON.stringify(po.profile));
    const so = summariseProfile(po.profile);
    const sb = summariseProfile(pb.profile);
    const nb = tracedBase.r.ok + tracedBase.r.errors;
    return {
      postgresVersion,
      clients: opts.clients,
      seconds: opts.seconds,
      ours: po.r,
      baseline: pb.r,
      cpuMsPerRequest: {
        ours: so.busyMs / (po.r.ok + po.r.errors),
        baseline: sb.busyMs / (pb.r.ok + pb.r.errors),
      },
      packages: so.packages,
      functions: so.functions,
      statements,
      statementsPerRequest: { ours: tracedOurs.records.length / n, baseline: tracedBase.records.length / nb },
      roundTripsPerRequest: {
        ours: tracedOurs.records.filter((q) => q.roundTrip).length / n,
        baseline: tracedBase.records.filter((q) => q.roundTrip).length / nb,
      },
      profileFile: opts.profileFile,
    };
  } catch (e) {
    opts.log(`write profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    throw e;
  } finally {
    await api?.close().catch((e: unknown) => opts.log(`closing the API failed: ${String(e)}`));
    await baseline?.close().catch((e: unknown) => opts.log(`closing the baseline failed: ${String(e)}`));
    // Pools closed by close() end their clients asynchronously: give them a moment before forcing.
    await new Promise((r) => setTimeout(r, 1000));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');

export function writeProfileSection(r: WriteProfileReport, label: string, started: Date): string {
  const busy = r.packages.reduce((s, p) => s + p.selfMs, 0);
  const pct = (ms: number) => `${f((100 * ms) / busy, 1)}%`;
  return [
    `## ${label}`,
    '',
    `Run ${started.toISOString()}, ${r.clients} clients, ${r.seconds} s each: ours ${f(r.ours.perSecond, 0)} req/s ` +
      `(p99 ${f(r.ours.p99Ms)} ms, ${r.ours.errors} errors), baseline ${f(r.baseline.perSecond, 0)} req/s ` +
      `(p99 ${f(r.baseline.p99Ms)} ms): **${f(r.ours.perSecond / r.baseline.perSecond)}×** under the profiler.`,
    '',
    `- Node CPU per request (non-idle profile samples / requests): ours **${f(r.cpuMsPerRequest.ours)} ms**, ` +
      `baseline ${f(r.cpuMsPerRequest.baseline)} ms.`,
    `- SQL round trips per request (1 client, traced; statements pipelined behind one awaiting its answer ` +
      `share its round trip): ours **${f(r.roundTripsPerRequest.ours, 1)}** for ${f(r.statementsPerRequest.ours, 1)} ` +
      `statements, baseline ${f(r.roundTripsPerRequest.baseline, 1)} for ${f(r.statementsPerRequest.baseline, 1)}.`,
    '',
    'Statements of POST /v1/tickets (per request; mean wall ms each, 1 client):',
    '',
    '| statement | per request | mean ms |',
    '|---|---:|---:|',
    ...r.statements.map(
      (s) =>
        `| \`${s.sql.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${f(s.perRequest, 2)} | ${f(s.avgMs)} |`,
    ),
    '',
    'CPU by package (self = samples whose leaf frame is in it; total = samples with it anywhere on the stack):',
    '',
    '| package | self ms/request | self % | total ms/request |',
    '|---|---:|---:|---:|',
    ...r.packages.slice(0, 20).map((p) => {
      const n = r.ours.ok + r.ours.errors;
      return `| ${p.name} | ${f(p.selfMs / n, 3)} | ${pct(p.selfMs)} | ${f(p.totalMs / n, 3)} |`;
    }),
    '',
    'Top functions by self time:',
    '',
    '| function | self % | total % |',
    '|---|---:|---:|',
    ...r.functions
      .slice(0, 20)
      .map((p) => `| \`${p.name.replace(/\|/g, '\\|')}\` | ${pct(p.selfMs)} | ${pct(p.totalMs)} |`),
    '',
  ].join('\n');
}
