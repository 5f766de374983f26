import { INestApplication } from '@nestjs/common';

// Postgres restarting or Redis coming back while a process boots must not kill it: the modules'
// init hooks read settings and checkpoints, and one of those queries can meet a connection cut by
// the restart. TypeORM retries only its first connect; this retries the whole start, after closing
// what the failed attempt opened, so an operator's restart of a dependency never needs a second
// restart of the API or the worker (test/faults/boot-under-restarts.e2e-spec.ts).

/** Socket errors and the SQLSTATEs Postgres sends while restarting (57P0x) or refusing (08xxx). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|Connection is closed|timeout exceeded when trying to connect|connection error and is not queryable/i;

/** Whether a start failed on a dependency that was away (worth another try), not on the code or config. */
export function isTransientStartError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const err = cur as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof err.code === 'string' && (TRANSIENT_CODES.has(err.code) || /^08[0-9A-Z]{3}$/.test(err.code)))
      return true;
    if (typeof err.message === 'string' && TRANSIENT_MESSAGE.test(err.message)) return true;
    if (err.name === 'MaxRetriesPerRequestError') return true;
    cur = err.driverError ?? err.cause;
  }
  return false;
}

export interface StartRetryOptions {
  /** Tries in all (default 30). */
  attempts?: number;
  /** Pause between tries (default 1 s). */
  delayMs?: number;
  /** Where each retry is reported (default stderr). */
  report?: (line: string) => void;
}

/** Runs `start` until it succeeds, again after a pause while its failure is transient. */
export async function startWithRetry<T>(
  name: string,
  start: () => Promise<T>,
  options: StartRetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 30;
  const delayMs = options.delayMs ?? 1000;
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (e) {
      if (attempt >= attempts || !isTransientStartError(e)) throw e;
      report(
        `${name}: start attempt ${attempt} of ${attempts} failed on a dependency (${(e as Error).message}); retrying in ${delayMs} ms`,
      );
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/**
 * Initialises the app; if an init hook fails, closes what the other hooks opened (queues, pools,
 * subscriptions) before rethrowing, so a retried start does not leak the failed one's connections.
 */
export async function initOrClose<A extends INestApplication>(app: A, closeTimeoutMs = 10_000): Promise<A> {
  try {
    await app.init();
    return app;
  } catch (e) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      app.close().catch(() => undefined),
      new Promise<void>((r) => (timer = setTimeout(r, closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    throw e;
  }
}
