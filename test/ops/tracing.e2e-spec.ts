import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as netServer } from 'node:net';
import { sign } from 'jsonwebtoken';
import { DEV_JWT_SECRET } from '@kefu/platform';
import {
  ApiProcess,
  TestDatabase,
  WorkerProcess,
  createTestDatabase,
  spawnApi,
  spawnWorker,
  testConfig,
} from '@kefu/test-fixtures';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}
interface Received extends OtlpSpan {
  service: string;
}
interface OtlpBody {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

async function freePort(): Promise<number> {
  const srv = netServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const SERVER = 2;

// One request, followed across processes: the API's HTTP span and its pg statements, then, through
// the traceparent carried in the event metadata and the job data, the worker's dispatch span and
// the SLA timer job's span (with its own pg statements), all in one trace, received over OTLP/HTTP
// by a collector stand-in here (the real exporter's JSON).
describe('tracing over OTLP (API and worker processes)', () => {
  let receiver: Server;
  const spans: Received[] = [];
  let db: TestDatabase;
  let api: ApiProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          for (const rs of (JSON.parse(body) as OtlpBody).resourceSpans) {
            const service =
              rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
            for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    };
    db = await createTestDatabase();
    const config = testConfig(db);
    api = spawnApi(config, await freePort(), otel);
    // The worker logs at info so the test can see its boot reconcile finish: a reconcile that
    // reads the new ticket before the dispatcher has scheduled its timer adds the same job id
    // first, outside the request's trace (no timer lost, but the job span is then in no trace).
    worker = spawnWorker(config, { ...otel, LOG_LEVEL: 'info', RECONCILE_INTERVAL_SECONDS: '0' });
    await api.ready();
    const booted = Date.now() + 60_000;
    while (!worker.output().includes('jobs reconciled from Postgres')) {
      if (Date.now() > booted) throw new Error(`worker never reconciled:\n${worker.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);
  afterAll(async () => {
    await Promise.all([api?.kill(), worker?.kill()]);
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  const bearer = (claims: Record<string, string>) =>
    `Bearer ${sign(claims, DEV_JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 })}`;

  it('links the request, its SQL, the dispatcher and the job in one trace', async () => {
    const policy = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer({ sub: 'ops', role: 'admin' }) },
      body: JSON.stringify({
        query: 'mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { id } }',
        variables: {
          i: {
            name: 'p',
            priority: 'NORMAL',
            firstResponseSeconds: 1,
            nextResponseSeconds: 60,
            resolutionSeconds: 600,
          },
        },
      }),
    });
    expect(((await policy.json()) as { errors?: unknown }).errors).toBeUndefined();

    // The caller starts the trace (a sampled W3C traceparent), as a traced frontend would.
    const traceId = randomBytes(16).toString('hex');
    const opened = await fetch(`${api.url}/v1/tickets`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: bearer({ sub: 'u-1', role: 'customer', customerId: 'cust-1' }),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({
        subject: 'Traced',
        description: 'Follow me',
        category: 'other',
        customer: { id: 'cust-1' },
      }),
    });
    expect(opened.status).toBe(201);

    const inTrace = () => spans.filter((s) => s.traceId === traceId);
    const isSql = (s: Received) =>
      s.name.startsWith('pg.') || (s.attributes ?? []).some((a) => a.key === 'db.system');
    const complete = (t: Received[]) =>
      t.some((s) => s.service === 'kefu-api' && s.kind === SERVER) &&
      t.some((s) => s.service === 'kefu-api' && isSql(s)) &&
      t.some((s) => s.name === 'dispatch SlaTargetStarted') &&
      t.some(
        (j) => j.name === 'process sla-timers' && t.some((s) => s.parentSpanId === j.spanId && isSql(s)),
      );
    const deadline = Date.now() + 45_000;
    while (!complete(inTrace())) {
      if (Date.now() > deadline) {
        throw new Error(
          `trace incomplete: ${JSON.stringify(inTrace().map((s) => `${s.service} ${s.name}`))}\n${worker.output().slice(-2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const trace = inTrace();
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const request = trace.find((s) => s.service === 'kefu-api' && s.kind === SERVER);
    expect(request?.name).toMatch(/^POST/);
    const job = trace.find((s) => s.service === 'kefu-worker' && s.name === 'process sla-timers')!;
    expect(trace.filter((s) => s.service === 'kefu-api' && isSql(s)).length).toBeGreaterThan(0);
    const dispatch = trace.find((s) => s.service === 'kefu-worker' && s.name === 'dispatch SlaTargetStarted');
    expect(dispatch).toBeDefined();
    // The dispatch span hangs under the API's request; the job under the dispatch.
    expect(byId.get(dispatch!.parentSpanId!)?.service).toBe('kefu-api');
    expect(job.parentSpanId).toBeDefined();
    const ancestors = (s: Received): Received[] => {
      const p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return p ? [p, ...ancestors(p)] : [];
    };
    expect(ancestors(job).map((s) => s.spanId)).toContain(dispatch!.spanId);
    expect(ancestors(dispatch!).map((s) => s.spanId)).toContain(request!.spanId);
    expect(trace.some((s) => s.service === 'kefu-worker' && isSql(s) && ancestors(s).includes(job!))).toBe(
      true,
    );
  }, 60_000);

  it('traces nothing for /metrics and /health', async () => {
    const before = spans.length;
    await fetch(`${api.url}/health/live`);
    await fetch(`${api.url}/metrics`);
    await new Promise((r) => setTimeout(r, 6000)); // one export interval
    const polled = spans
      .slice(before)
      .filter((s) => s.kind === SERVER && JSON.stringify(s.attributes ?? []).match(/\/(metrics|health)/));
    expect(polled).toEqual([]);
  }, 15_000);
});
