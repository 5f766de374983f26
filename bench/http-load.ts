import { Agent, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** One closed-loop HTTP load: `clients` connections, each sending its next request when the last one answered. */
export interface HttpLoadSpec {
  port: number;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** The request body; every `{{n}}` in it (and in header values) becomes a per-request sequence number. */
  body?: string;
  /** The status a successful answer has; anything else counts as an error. */
  expectStatus: number;
  /** GraphQL answers failures with 200 and an `errors` member: such bodies count as errors too. */
  failIfBodyIncludes?: string;
  clients: number;
  seconds: number;
  warmupSeconds: number;
  /** First value of `{{n}}`. */
  firstSeq?: number;
}

export interface HttpLoadResult {
  ok: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Status and start of the body of the first failed request, for the log. */
  firstError?: string;
  /** Every successful request's latency (ms), sorted: lets the caller merge several runs. */
  latencies: Float64Array;
}

const WORKER_KIND = 'kefu-http-load';

/**
 * Runs the load in a worker thread: the generator gets its own event loop (and core), so it does
 * not steal the server's event loop, which runs in the calling thread.
 */
export function runHttpLoad(spec: HttpLoadSpec): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { kind: WORKER_KIND, spec } });
    let result: HttpLoadResult | undefined;
    worker.once('message', (m: HttpLoadResult) => (result = m));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`http load worker exited with code ${code} and no result`)),
    );
  });
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Answer {
  status: number;
  body: string;
}

async function load(spec: HttpLoadSpec): Promise<HttpLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients, maxFreeSockets: spec.clients });
  const parts = spec.body?.split('{{n}}');
  let seq = spec.firstSeq ?? 0;
  const send = (): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const n = String(seq++);
      const body = parts?.join(n);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.headers)) headers[k] = v.split('{{n}}').join(n); // e.g. Idempotency-Key
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = request(
        { host: '127.0.0.1', port: spec.port, method: spec.method, path: spec.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const failed = (a: Answer) =>
    a.status !== spec.expectStatus ||
    (spec.failIfBodyIncludes !== undefined && a.body.includes(spec.failIfBodyIncludes));

  let firstError: string | undefined;
  const noteError = (what: string) => {
    firstError ??= what.slice(0, 400);
  };
  const warmupEnd = performance.now() + spec.warmupSeconds * 1000;
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (performance.now() < warmupEnd) {
        try {
          const a = await send();
          if (failed(a)) noteError(`${a.status} ${a.body}`);
        } catch (e) {
          noteError(String(e));
        }
      }
    }),
  );

  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const a = await send();
          if (failed(a)) {
            errors += 1;
            noteError(`${a.status} ${a.body}`);
          } else {
            latencies.push(performance.now() - t0);
          }
        } catch (e) {
          errors += 1;
          noteError(String(e));
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    ok: latencies.length,
    errors,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    firstError,
    latencies: sorted,
  };
}

/** Several runs of the same case as one: counts and time add up, percentiles over all latencies. */
export function mergeHttpLoads(runs: HttpLoadResult[]): HttpLoadResult {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return {
    ok,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    seconds,
    perSecond: ok / seconds,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    firstError: runs.find((r) => r.firstError)?.firstError,
    latencies: all,
  };
}

const data = workerData as { kind?: string; spec?: HttpLoadSpec } | null;
if (!isMainThread && data?.kind === WORKER_KIND && data.spec) {
  // A rejection is unhandled on purpose: it ends the worker with an 'error' event, which runHttpLoad reports.
  void load(data.spec).then((r) => parentPort?.postMessage(r));
}
