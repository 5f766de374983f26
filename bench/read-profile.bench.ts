import { NestExpressApplication } from '@nestjs/platform-express';
import { Session } from 'node:inspector';
import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '@kefu/migrations';
import { AppConfig, JwtService, typeOrmOptions } from '@kefu/platform';
import { createBaselineApp } from './baseline-app';
import { HttpLoadSpec, runHttpLoad } from './http-load';
import { traceQueries } from './query-trace';
import { enrichSeededTickets, seedTickets } from './ticket-seed';

// BENCH_ONLY=read-profile: where the CPU of one GraphQL 50-ticket page goes. The API runs in this
// process's main thread; one closed-loop client (a worker thread) asks for the page for `seconds`
// while the V8 sampling profiler (node:inspector, the same profiler as `node --cpu-prof`) records the
// main thread. The baseline's page is profiled the same way, for the floor.

export const READ_PAGE_QUERY = `{ tickets(first: 50, filter: {status: [OPEN, PENDING]}, orderBy: {field: UPDATED_AT, direction: DESC}) { edges { cursor node { id number subject status priority assignee { id name } customer { id name } sla { firstResponse { status dueAt } resolution { status dueAt } } } } pageInfo { hasNextPage endCursor } } }`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfiledPage {
  name: string;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  nodeBusyMsPerPage: number;
  statements: string[];
  /** ms of CPU per page by package (self: in the package's own code; total: with what it calls). */
  byPackage: Array<{ pkg: string; selfMs: number; totalMs: number }>;
  topFunctions: Array<{ fn: string; where: string; selfMs: number }>;
}

export interface ReadProfileReport {
  tickets: number;
  seedSeconds: number;
  seconds: number;
  pages: ProfiledPage[];
  postgresVersion: string;
}

/** Which package a frame belongs to: an npm package, a Kefu lib, Node itself or a V8 pseudo-frame. */
export function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node (core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const kefu = /\/(libs\/[^/]+|apps\/[^/]+|bench|migrations)\//.exec(url);
  return kefu ? `kefu ${kefu[1]}` : url;
}

function summarise(profile: CpuProfile, pages: number): Pick<ProfiledPage, 'byPackage' | 'topFunctions'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time it stood for
    const leaf = byId.get(profile.samples[i]);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    const leafPkg = packageOf(leaf.callFrame.url, leaf.callFrame.functionName);
    self.set(leafPkg, (self.get(leafPkg) ?? 0) + us);
    const fnKey = `${leaf.callFrame.functionName || '(anonymous)'}\u0000${leaf.callFrame.url.replace(/^.*\/(node_modules|dist-bench)\//, '')}:${leaf.callFrame.lineNumber + 1}`;
    fnSelf.set(fnKey, (fnSelf.get(fnKey) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const pkg = packageOf(n.callFrame.url, n.callFrame.functionName);
      if (pkg === '(root)' || seen.has(pkg)) continue;
      seen.add(pkg);
      total.set(pkg, (total.get(pkg) ?? 0) + us);
    }
  }
  const ms = (us: number) => us / 1000 / pages;
  return {
    byPackage: [...self.keys(), ...[...total.keys()].filter((k) => !self.has(k))]
      .map((pkg) => ({ pkg, selfMs: ms(self.get(pkg) ?? 0), totalMs: ms(total.get(pkg) ?? 0) }))
      .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs),
    topFunctions: [...fnSelf.entries()]
      .map(([k, us]) => {
        const [fn, where] = k.split('\u0000');
        return { fn, where, selfMs: ms(us) };
      })
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 25),
  };
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

function once(spec: Omit<HttpLoadSpec, 'clients' | 'seconds' | 'warmupSeconds'>): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers =
      spec.body === undefined
        ? spec.headers
        : { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) };
    const req = request(
      { host: '127.0.0.1', port: spec.port, method: spec.method, path: spec.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

async function profilePage(
  name: string,
  spec: Omit<HttpLoadSpec, 'clients' | 'seconds' | 'warmupSeconds'>,
  seconds: number,
): Promise<ProfiledPage> {
  await runHttpLoad({ ...spec, clients: 1, seconds: 1.5, warmupSeconds: 0 }); // warm the JIT and the pools
  const trace = traceQueries();
  await once(spec);
  trace.stop();
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  const elu0 = performance.eventLoopUtilization();
  const r = await runHttpLoad({ ...spec, clients: 1, seconds, warmupSeconds: 0 });
  const elu = performance.eventLoopUtilization(elu0);
  const { profile } = (await post(session, 'Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const pages = r.ok + r.errors;
  if (r.errors > 0) throw new Error(`${name}: ${r.errors} failed requests, first: ${r.firstError}`);
  return {
    name,
    requests: pages,
    perSecond: r.perSecond,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    nodeBusyMsPerPage: elu.active / pages,
    statements: trace.records.map((q) => q.sql),
    ...summarise(profile, pages),
  };
}

export async function runReadProfile(opts: {
  config: AppConfig;
  tickets: number;
  seconds: number;
  log: (line: string) => void;
}): Promise<ReadProfileReport> {
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
    await ds.destroy();
    const seed = await seedTickets(config.databaseUrl, opts.tickets);
    const enriched = await enrichSeededTickets(config.databaseUrl, config.piiMasterKey);
    const seedSeconds = seed.seconds + enriched.seconds;
    opts.log(`seeded ${opts.tickets} tickets in ${seedSeconds.toFixed(1)} s`);
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    baseline = await createBaselineApp({
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPoolSize,
      piiMasterKey: config.piiMasterKey,
    });
    await baseline.listen(0, '127.0.0.1');
    const port = (app: NestExpressApplication) => (app.getHttpServer().address() as AddressInfo).port;
    const bearer = `Bearer ${api.get(JwtService).sign({ sub: 'agent-000', role: 'agent', name: 'Bench Agent' })}`;
    const pages = [
      await profilePage(
        'POST /graphql, 50-ticket page (ours)',
        {
          port: port(api),
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: bearer },
          body: JSON.stringify({ query: READ_PAGE_QUERY }),
          expectStatus: 200,
          failIfBodyIncludes: '"errors"',
        },
        opts.seconds,
      ),
      await profilePage(
        'GET /baseline/tickets (baseline)',
        {
          port: port(baseline),
          method: 'GET',
          path: '/baseline/tickets?status=open,pending',
          headers: {},
          expectStatus: 200,
        },
        opts.seconds,
      ),
    ];
    for (const p of pages)
      opts.log(
        `${p.name}: ${p.perSecond.toFixed(0)} pages/s, ${p.nodeBusyMsPerPage.toFixed(2)} ms Node busy/page, ${p.statements.length} SQL statements`,
      );
    return { tickets: opts.tickets, seedSeconds, seconds: opts.seconds, pages, postgresVersion };
  } finally {
    await api?.close().catch(() => undefined);
    await baseline?.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

const f = (n: number, d = 2) => n.toFixed(d);

export function readProfileMarkdown(
  r: ReadProfileReport,
  meta: { started: Date; environment: string[]; label: string },
): string {
  const [ours, base] = r.pages;
  const pkgs = [...new Set([...ours.byPackage, ...base.byPackage].map((p) => p.pkg))];
  const row = (p: ProfiledPage, pkg: string) => p.byPackage.find((x) => x.pkg === pkg);
  return [
    `## ${meta.label}: ${meta.started.toISOString()}`,
    '',
    `\`BENCH_ONLY=read-profile BENCH_TICKETS=${r.tickets} BENCH_SECONDS=${r.seconds} npm run bench\` (bench/read-profile.bench.ts): ` +
      `${r.tickets} seeded tickets (sealed customer names, SLA clocks; ${f(r.seedSeconds, 1)} s to seed), one closed-loop client, ` +
      `${r.seconds} s per page under the V8 sampling profiler (200 µs), NODE_ENV=production.`,
    '',
    ...meta.environment,
    '',
    '| page | pages/s | p50 ms | p99 ms | Node busy ms/page | SQL statements/page |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.pages.map(
      (p) =>
        `| ${p.name} | ${f(p.perSecond, 0)} | ${f(p.p50Ms)} | ${f(p.p99Ms)} | ${f(p.nodeBusyMsPerPage)} | ${p.statements.length} |`,
    ),
    '',
    'SQL of one page (ours):',
    '',
    ...ours.statements.map((s, i) => `${i + 1}. \`${s.replace(/`/g, "'")}\``),
    '',
    'CPU per page by package, ms (self = in its own code; total = with everything it calls; sampled on the thread that',
    'runs both apps, so the figures include the pg protocol, JSON and HTTP):',
    '',
    '| package | ours self | ours total | baseline self | baseline total |',
    '|---|---:|---:|---:|---:|',
    ...pkgs
      .map((pkg) => ({ pkg, o: row(ours, pkg), b: row(base, pkg) }))
      .filter((x) => (x.o?.totalMs ?? 0) >= 0.05 || (x.b?.totalMs ?? 0) >= 0.05)
      .sort((a, b) => (b.o?.selfMs ?? 0) - (a.o?.selfMs ?? 0))
      .map(
        (x) =>
          `| ${x.pkg} | ${f(x.o?.selfMs ?? 0)} | ${f(x.o?.totalMs ?? 0)} | ${f(x.b?.selfMs ?? 0)} | ${f(x.b?.totalMs ?? 0)} |`,
      ),
    '',
    'Top functions by self time (ours), ms per page:',
    '',
    '| ms | function | where |',
    '|---:|---|---|',
    ...ours.topFunctions.map((t) => `| ${f(t.selfMs, 3)} | ${t.fn.replace(/\|/g, '\\|')} | ${t.where} |`),
    '',
  ].join('\n');
}
