import { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '@kefu/migrations';
import { ApiKeyService, AppConfig, JwtService, typeOrmOptions } from '@kefu/platform';
import { BASELINE_TABLE_SQL, createBaselineApp } from './baseline-app';
import { HttpLoadResult, HttpLoadSpec, mergeHttpLoads, runHttpLoad } from './http-load';
import { QueryTrace, traceQueries } from './query-trace';
import { SEED_AGENTS, enrichSeededTickets, seedEvents, seedTickets } from './ticket-seed';

export interface TicketsBenchOptions {
  config: AppConfig;
  seconds: number;
  warmupSeconds: number;
  restClients: number[];
  graphqlClients: number[];
  tickets: number;
  /** Events seeded behind each ticket (BENCH_EVENTS_PER_TICKET, default 0: read-model rows only). */
  eventsPerTicket?: number;
  /** Which scenarios to run (BENCH_CASES): the GraphQL pages, ticket creation over REST, or both. */
  cases?: { pages: boolean; rest: boolean };
  log: (line: string) => void;
}

export interface TicketsCase {
  scenario: string;
  impl: 'ours' | 'baseline';
  request: string;
  clients: number;
  result?: HttpLoadResult;
  skipped?: string;
}

/** SQL round trips of one request type, traced in-process on the pg client. */
export interface QueryProfile {
  name: string;
  requests: number;
  queriesPerRequest: number;
  statementsPerRequest: number;
  sqlMsPerRequest: number;
  /** Mean latency with one client sending requests in sequence. */
  latencyMsPerRequest: number;
  /** The servers' event loop (this process's main thread) busy time per request: the Node-side CPU cost. */
  nodeBusyMsPerRequest: number;
  /** The statements of one request, in order, with their mean time over the sequential run. */
  statements: Array<{ sql: string; avgMs: number }>;
}

type Spec = Omit<HttpLoadSpec, 'clients' | 'seconds' | 'warmupSeconds'>;

export interface TicketsBenchReport {
  cases: TicketsCase[];
  profiles: QueryProfile[];
  postgresVersion: string;
  database: string;
  poolSize: number;
  seed: { tickets: number; agents: number; events: number; seconds: number };
  /** Why the GraphQL cases were skipped, if they were; and whether ours and the baseline returned the same rows. */
  graphql: { skipped?: string; samePage: Record<string, boolean> };
  redisKeysDeleted: number;
}

const REST_SCENARIO = 'open a ticket (REST)';
const PAGE_SELECTION = `{ edges { cursor node { id number subject status priority assignee { id name } customer { id name } sla { firstResponse { status dueAt } resolution { status dueAt } } } } pageInfo { hasNextPage endCursor } }`;
const ORDER = `orderBy: {field: UPDATED_AT, direction: DESC}`;
/** The two ticket pages: GraphQL query on our side, the baseline's GET path on the other. */
const PAGES = [
  {
    scenario: '50-ticket page: status OPEN, PENDING',
    query: `{ tickets(first: 50, filter: {status: [OPEN, PENDING]}, ${ORDER}) ${PAGE_SELECTION} }`,
    baselinePath: '/baseline/tickets?status=open,pending',
  },
  {
    scenario: '50-ticket page: tag "refund" + text "merchant"',
    query: `{ tickets(first: 50, filter: {tag: "refund", text: "merchant"}, ${ORDER}) ${PAGE_SELECTION} }`,
    baselinePath: '/baseline/tickets?tag=refund&text=merchant',
  },
];

/** A partner's ticket, ~700 bytes of JSON; `{{n}}` makes customer, transaction and reference unique. */
export function ticketBody(): string {
  return JSON.stringify({
    subject: 'Card payment failed but money left my account',
    description:
      'I paid 10.50 EUR at a merchant yesterday; the app says the payment failed, but the bank statement shows the charge. Order {{n}}.',
    category: 'payment_failed',
    priority: 'high',
    language: 'en',
    customer: { id: 'acc-{{n}}', name: 'Li Wei', email: 'li.wei@example.com', phone: '+86 138 0000 0000' },
    transaction: {
      id: 'tx-{{n}}',
      amount: 1050,
      currency: 'EUR',
      merchantId: 'm-4411',
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
    },
    tags: ['card', 'payments'],
    externalRef: 'cc-{{n}}',
  });
}

interface Answer {
  status: number;
  body: string;
}

function httpOnce(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const h =
      body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function portOf(app: NestExpressApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

/** The page as canonical JSON (keys sorted): ours and the baseline must answer the very same data. */
function pageOf(body: string): { n: number; json: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { data?: { tickets?: { edges?: unknown[] } } };
    const tickets = parsed.data?.tickets;
    if (!tickets?.edges) return undefined;
    return { n: tickets.edges.length, json: JSON.stringify(sortKeys(tickets)) };
  } catch {
    return undefined;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/**
 * Ticket creation over REST and ticket pages over GraphQL, each against a plain NestJS + pg baseline
 * in the same run, in one fresh migrated database seeded with `tickets` read-model rows.
 */
export async function runTicketsBench(opts: TicketsBenchOptions): Promise<TicketsBenchReport> {
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
  opts.log(`database ${database} created (Postgres ${postgresVersion})`);

  let api: NestExpressApplication | undefined;
  let baseline: NestExpressApplication | undefined;
  let measured: Omit<TicketsBenchReport, 'redisKeysDeleted'>;
  let redisKeysDeleted: number;
  try {
    const ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.query(BASELINE_TABLE_SQL);
    await ds.destroy();

    const seed = await seedTickets(config.databaseUrl, opts.tickets);
    const enriched = await enrichSeededTickets(config.databaseUrl, config.piiMasterKey);
    seed.seconds += enriched.seconds;
    let events = 0;
    if (opts.eventsPerTicket) {
      const e = await seedEvents(config.databaseUrl, opts.eventsPerTicket);
      events = e.events;
      seed.seconds += e.seconds;
      opts.log(`seeded ${e.events} events behind them in ${e.seconds.toFixed(1)} s`);
    }
    opts.log(
      `seeded ${opts.tickets} tickets and ${SEED_AGENTS} agents in ${seed.seconds.toFixed(1)} s (secondary indexes rebuilt, ANALYZE done; ` +
        `customers' names sealed and SLA clocks set in ${enriched.seconds.toFixed(1)} s of it)`,
    );

    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    baseline = await createBaselineApp({
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPoolSize,
      piiMasterKey: config.piiMasterKey,
    });
    await baseline.listen(0, '127.0.0.1');
    const apiPort = portOf(api);
    const basePort = portOf(baseline);
    const apiKey = (await api.get(ApiKeyService).create('phone', 'bench partner')).secret;
    const bearer = `Bearer ${api.get(JwtService).sign({ sub: 'agent-000', role: 'agent', name: 'Bench Agent' })}`;
    const json = { 'content-type': 'application/json' };
    const restOurs = {
      port: apiPort,
      method: 'POST',
      path: '/v1/tickets',
      // A unique Idempotency-Key per request (API.md: every POST may carry one): the key is stored
      // in the same transaction as the ticket, as for a careful partner.
      headers: { ...json, 'x-api-key': apiKey, 'idempotency-key': `bench-{{n}}` },
      expectStatus: 201,
    } as const;
    const restBase = {
      port: basePort,
      method: 'POST',
      path: '/baseline',
      headers: json,
      expectStatus: 201,
    } as const;
    const gql = (query: string) =>
      ({
        port: apiPort,
        method: 'POST',
        path: '/graphql',
        headers: { ...json, authorization: bearer },
        body: JSON.stringify({ query }),
        expectStatus: 200,
        failIfBodyIncludes: '"errors"',
      }) as const;
    const pageBase = (path: string) =>
      ({ port: basePort, method: 'GET', path, headers: {}, expectStatus: 200 }) as const;

    const cases: TicketsCase[] = [];
    let seq = 0;
    const load = async (spec: Spec, clients: number, seconds: number) => {
      const r = await runHttpLoad({ ...spec, clients, seconds, warmupSeconds: 0, firstSeq: seq });
      seq += r.ok + r.errors + 1_000_000;
      return r;
    };
    const logCase = (c: TicketsCase) =>
      opts.log(
        `${`${c.scenario} · ${c.impl}`.padEnd(58)} ${String(c.clients).padStart(2)} clients: ` +
          (c.result
            ? `${c.result.perSecond.toFixed(0).padStart(6)} req/s p50 ${c.result.p50Ms.toFixed(2)} ms p99 ${c.result.p99Ms.toFixed(2)} ms ` +
              `errors ${c.result.errors}${c.result.firstError ? `\n    first error: ${c.result.firstError}` : ''}`
            : (c.skipped ?? 'skipped')),
      );
    // Baseline and ours alternate in slices of about a second (ABBA order) after one warm-up each, so
    // that load from elsewhere on this shared machine falls on both alike.
    const pair = async (
      scenario: string,
      clients: number,
      base: Spec & { request: string },
      ours: (Spec & { request: string }) | string,
    ) => {
      const both = typeof ours === 'string' ? [base] : [base, ours];
      for (const spec of both) await load(spec, clients, opts.warmupSeconds);
      const rounds = Math.max(1, Math.round(opts.seconds));
      const runs: HttpLoadResult[][] = both.map(() => []);
      for (let i = 0; i < rounds; i++) {
        const order = i % 2 === 0 ? both.keys() : [...both.keys()].reverse();
        for (const k of order) runs[k].push(await load(both[k], clients, opts.seconds / rounds));
      }
      const made: TicketsCase[] = [
        { scenario, impl: 'baseline', request: base.request, clients, result: mergeHttpLoads(runs[0]) },
      ];
      made.push(
        typeof ours === 'string'
          ? { scenario, impl: 'ours', request: 'POST /graphql', clients, skipped: ours }
          : { scenario, impl: 'ours', request: ours.request, clients, result: mergeHttpLoads(runs[1]) },
      );
      for (const c of made) logCase(c);
      cases.push(...made);
    };

    // GraphQL first, while ticket_view holds exactly the seeded rows.
    const run = opts.cases ?? { pages: true, rest: true };
    const graphql = await graphqlReadiness(apiPort, bearer, PAGES[0].query);
    const samePage: Record<string, boolean> = {};
    for (const page of run.pages ? PAGES : []) {
      if (!graphql.skipped) {
        const q = gql(page.query);
        const ours = pageOf((await httpOnce(apiPort, 'POST', '/graphql', q.headers, q.body)).body);
        const base = pageOf((await httpOnce(basePort, 'GET', page.baselinePath, {})).body);
        samePage[page.scenario] =
          ours !== undefined && base !== undefined && ours.n > 0 && ours.json === base.json;
      }
      for (const clients of opts.graphqlClients) {
        await pair(
          page.scenario,
          clients,
          { ...pageBase(page.baselinePath), request: 'GET /baseline/tickets' },
          graphql.skipped ?? { ...gql(page.query), request: 'POST /graphql' },
        );
      }
    }

    const body = ticketBody();
    for (const clients of run.rest ? opts.restClients : []) {
      await pair(
        REST_SCENARIO,
        clients,
        { ...restBase, body, request: 'POST /baseline' },
        { ...restOurs, body, request: 'POST /v1/tickets + Idempotency-Key' },
      );
    }

    // Round trips per request: one traced request for the statement list, a short sequential run for averages.
    const profile = async (name: string, spec: Spec): Promise<QueryProfile> => {
      const one: QueryTrace = traceQueries();
      await httpOnce(
        spec.port,
        spec.method,
        spec.path,
        spec.headers,
        spec.body?.split('{{n}}').join(String(seq++)),
      );
      one.stop();
      const many = traceQueries();
      const elu0 = performance.eventLoopUtilization();
      const r = await load(spec, 1, Math.min(1.5, opts.seconds));
      const elu = performance.eventLoopUtilization(elu0);
      many.stop();
      const n = r.ok + r.errors;
      const msBySql = new Map<string, number>();
      for (const q of many.records) msBySql.set(q.sql, (msBySql.get(q.sql) ?? 0) + q.ms);
      return {
        name,
        requests: n,
        // Round trips, not statements: statements pipelined behind one awaiting its answer ride along.
        queriesPerRequest: many.records.filter((q) => q.roundTrip).length / n,
        statementsPerRequest: many.records.length / n,
        sqlMsPerRequest: many.records.reduce((sum, q) => sum + q.ms, 0) / n,
        latencyMsPerRequest: r.latencies.reduce((sum, ms) => sum + ms, 0) / r.latencies.length,
        nodeBusyMsPerRequest: elu.active / n,
        statements: one.records.map((q) => ({ sql: q.sql, avgMs: (msBySql.get(q.sql) ?? NaN) / n })),
      };
    };
    const profiles: QueryProfile[] = [];
    if (run.rest) {
      profiles.push(await profile('POST /v1/tickets (ours)', { ...restOurs, body }));
      profiles.push(await profile('POST /baseline', { ...restBase, body }));
    }
    if (run.pages) {
      if (!graphql.skipped)
        profiles.push(await profile('POST /graphql, status page (ours)', gql(PAGES[0].query)));
      profiles.push(await profile('GET /baseline/tickets, status page', pageBase(PAGES[0].baselinePath)));
    }
    for (const p of profiles) {
      opts.log(
        `${p.name}: ${p.queriesPerRequest.toFixed(1)} SQL round trips/request, ${p.sqlMsPerRequest.toFixed(2)} ms in SQL, ` +
          `${p.nodeBusyMsPerRequest.toFixed(2)} ms Node busy, of ${p.latencyMsPerRequest.toFixed(2)} ms (mean, 1 client)`,
      );
    }

    measured = {
      cases,
      profiles,
      postgresVersion,
      database,
      poolSize: config.dbPoolSize,
      seed: { tickets: opts.tickets, agents: SEED_AGENTS, events, seconds: seed.seconds },
      graphql: { skipped: graphql.skipped, samePage },
    };
  } finally {
    await api?.close().catch((e: unknown) => opts.log(`closing the API failed: ${String(e)}`));
    await baseline?.close().catch((e: unknown) => opts.log(`closing the baseline failed: ${String(e)}`));
    redisKeysDeleted = await obliterateRedisPrefix(config.redisUrl, config.queuePrefix).catch(() => 0);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    opts.log(
      `database ${database} dropped, ${redisKeysDeleted} Redis keys under ${config.queuePrefix}: deleted`,
    );
  }
  return { ...measured, redisKeysDeleted };
}

/** Skipped (with the reason) unless the served schema has Query.tickets and the page query answers without errors. */
async function graphqlReadiness(port: number, bearer: string, query: string): Promise<{ skipped?: string }> {
  const headers = { 'content-type': 'application/json', authorization: bearer };
  const probe = await httpOnce(
    port,
    'POST',
    '/graphql',
    headers,
    JSON.stringify({ query: '{ __type(name: "Query") { fields { name } } }' }),
  );
  const fields =
    (JSON.parse(probe.body) as { data?: { __type?: { fields?: Array<{ name: string }> } } }).data?.__type
      ?.fields ?? [];
  if (!fields.some((f) => f.name === 'tickets')) return { skipped: 'skipped: tickets query not served yet' };
  const first = await httpOnce(port, 'POST', '/graphql', headers, JSON.stringify({ query }));
  if (first.status !== 200 || first.body.includes('"errors"')) {
    return {
      skipped: `skipped: the tickets query answered ${first.status} ${first.body.slice(0, 200).replace(/\|/g, '\\|')}`,
    };
  }
  return {};
}

/** Deletes every Redis key under the run's queue prefix (the API publishes nudges only, so usually none). */
async function obliterateRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}
