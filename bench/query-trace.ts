import { Client } from 'pg';

export interface TracedQuery {
  sql: string;
  /** From client.query() to its result, as the caller waits for it. */
  ms: number;
  /**
   * Sent while no other statement of its connection was awaiting an answer: it starts a round trip.
   * Statements pipelined behind it (node-pg pipeline mode) ride along in the same round trip.
   */
  roundTrip: boolean;
}

export interface QueryTrace {
  records: TracedQuery[];
  stop(): void;
}

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

function textOf(q: unknown): string {
  const text = typeof q === 'string' ? q : (q as { text?: unknown } | null)?.text;
  const one = (typeof text === 'string' ? text : '?').replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

/**
 * Records every statement sent by any pg Client in this process (TypeORM's pool and the
 * baseline's alike: both use node_modules/pg) until stop(). Profiling aid for the benchmark only.
 */
export function traceQueries(): QueryTrace {
  const proto = Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const records: TracedQuery[] = [];
  const inFlight = new WeakMap<object, number>();
  proto.query = function traced(this: unknown, ...args: unknown[]): unknown {
    const sql = textOf(args[0]);
    const t0 = performance.now();
    const client = this as object;
    const busy = inFlight.get(client) ?? 0;
    inFlight.set(client, busy + 1);
    const record: TracedQuery = { sql, ms: 0, roundTrip: busy === 0 };
    records.push(record);
    const done = () => {
      record.ms = performance.now() - t0;
      inFlight.set(client, (inFlight.get(client) ?? 1) - 1);
    };
    const cb = args.findIndex((a) => typeof a === 'function');
    if (cb >= 0) {
      const callback = args[cb] as (...r: unknown[]) => unknown;
      args[cb] = function (this: unknown, ...r: unknown[]) {
        done();
        return callback.apply(this, r);
      };
      return original.apply(this, args);
    }
    const ret = original.apply(this, args);
    if (ret && typeof (ret as Promise<unknown>).then === 'function')
      (ret as Promise<unknown>).then(done, done);
    return ret;
  };
  return {
    records,
    stop: () => {
      proto.query = original;
    },
  };
}
