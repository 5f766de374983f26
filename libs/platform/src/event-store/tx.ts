import { createHash } from 'node:crypto';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

type PgResult = { rows: unknown[]; rowCount: number | null; command?: string };

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<PgResult | PgResult[]>;
  query(config: { name: string; text: string; values?: unknown[] }): Promise<PgResult>;
  /** node-pg ≥ 8.21: send each query as soon as it is issued, without waiting for the previous answer. */
  pipeline?: boolean;
  connection?: { stream?: { cork(): void; uncork(): void } };
}

/**
 * A statement Postgres parses and plans once per connection (a named prepared statement), for the
 * fixed SQL of the hot paths: parse and bind were a third of Postgres's time per ticket created
 * (docs/adr/0008-write-path.md). Its text must never select `*` from a table: a column added by a
 * migration would fail the cached plan on connections opened before it.
 */
export interface PreparedSql {
  readonly name: string;
  readonly text: string;
}

export type Sql = string | PreparedSql;

const preparedTexts = new Map<string, string>();
/** A text selecting `*` from a table (a prepared plan of it breaks when a migration adds a column). */
const SELECTS_STAR = /\b(SELECT|RETURNING)\s+(\w+\.)?\*|,\s*(\w+\.)?\*|\w\.\*/i;

/** Declares a prepared statement; one name, one text, for the life of the process. */
export function preparedSql(name: string, text: string): PreparedSql {
  const key = `kf_${name}`;
  const known = preparedTexts.get(key);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared twice`);
  if (SELECTS_STAR.test(text)) throw new Error(`prepared statement ${name} selects *: name its columns`);
  preparedTexts.set(key, text);
  return Object.freeze({ name: key, text });
}

const shapes = new Map<string, PreparedSql>();
/** Distinct dynamic texts prepared per process (so per connection at most): beyond, sent unnamed. */
export const MAX_PREPARED_SHAPES = 500;

/**
 * Dynamic SQL whose text comes from a bounded set of shapes (a page's filters, ordering and
 * columns): prepared like preparedSql while the process has seen fewer than MAX_PREPARED_SHAPES of
 * them, unnamed after that (and always when it selects `*`).
 */
export function preparedShape(text: string): Sql {
  const known = shapes.get(text);
  if (known) return known;
  if (shapes.size >= MAX_PREPARED_SHAPES || SELECTS_STAR.test(text)) return text;
  const p = Object.freeze({
    name: `kf_s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`,
    text,
  });
  shapes.set(text, p);
  return p;
}

const textOf = (sql: Sql): string => (typeof sql === 'string' ? sql : sql.text);

/**
 * One Postgres transaction, handed to everything that must commit together: appends, inline
 * projections, checkpoints, idempotency records. `manager` is TypeORM's, bound to the same connection.
 */
export class Tx {
  private readonly afterCommitHooks: Array<() => void | Promise<void>> = [];
  /** Statements sent without waiting for their answer (see defer); all must succeed before COMMIT. */
  private deferred: Array<Promise<unknown>> = [];
  /** Set by inTransaction when the connection pipelines: statements of one tick share one write. */
  pipelined = false;
  private corked = false;
  /** The rows of the transaction's opening statement (TransactionOpening), once it has run. */
  openingRows: unknown[] | undefined;

  constructor(readonly runner: QueryRunner) {}

  get manager(): EntityManager {
    return this.runner.manager;
  }

  /**
   * The pg client under TypeORM's query runner. Hot-path statements go to it directly: same
   * connection and transaction, without TypeORM's per-query wrapping (measured: ~30% of an append).
   */
  /** @internal */
  get pg(): PgClient | undefined {
    return (this.runner as unknown as { databaseConnection?: PgClient }).databaseConnection;
  }

  /** Rows of a statement (SELECT, or anything with RETURNING). */
  async rows<T = Record<string, unknown>>(sql: Sql, params: unknown[] = []): Promise<T[]> {
    const pg = this.pg;
    if (pg) return lastResult(await this.send(pg, sql, params)).rows as T[];
    const r = await this.runner.query(textOf(sql), params, true);
    return (r.records ?? []) as T[];
  }

  async one<T = Record<string, unknown>>(sql: Sql, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /** Affected row count of an INSERT/UPDATE/DELETE. */
  async execute(sql: Sql, params: unknown[] = []): Promise<number> {
    const pg = this.pg;
    if (pg) return lastResult(await this.send(pg, sql, params)).rowCount ?? 0;
    const r = await this.runner.query(textOf(sql), params, true);
    return r.affected ?? 0;
  }

  /**
   * On a pipelined connection, the statements issued in one tick (Promise.all, deferred + COMMIT) go
   * out in one socket write: writes are system calls, and on this kind of machine they were the
   * largest single cost of a request (bench/results/write-profile.md).
   * @internal
   */
  send(pg: PgClient, sql: Sql, params?: unknown[]): Promise<PgResult | PgResult[]> {
    const stream = this.pipelined ? pg.connection?.stream : undefined;
    if (stream && !this.corked) {
      this.corked = true;
      stream.cork();
      process.nextTick(() => {
        this.corked = false;
        stream.uncork();
      });
    }
    return typeof sql === 'string'
      ? pg.query(sql, params)
      : pg.query({ name: sql.name, text: sql.text, values: params });
  }

  /**
   * Sends a statement whose answer nobody waits for: on a pipelined transaction (inTransaction) it goes
   * on the wire now and the next awaited statement follows right behind it, saving a round trip. It
   * still runs in order, inside the transaction: if it fails, the transaction is aborted, every later
   * statement fails, and the commit throws its error (settle) instead of committing.
   */
  defer(sql: Sql, params: unknown[] = []): void {
    const p = this.execute(sql, params);
    p.catch(() => undefined); // reported by settle()
    this.deferred.push(p);
  }

  /** Waits for every deferred statement; throws the first failure. */
  async settle(): Promise<void> {
    while (this.deferred.length > 0) {
      const batch = this.deferred.splice(0);
      const results = await Promise.allSettled(batch);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Runs after a successful commit (nudges, pub/sub). Failures there are logged, never thrown. */
  afterCommit(fn: () => void | Promise<void>): void {
    this.afterCommitHooks.push(fn);
  }

  /** @internal */
  takeAfterCommitHooks(): Array<() => void | Promise<void>> {
    return this.afterCommitHooks.splice(0);
  }
}

const lastResult = (r: PgResult | PgResult[]): PgResult => (Array.isArray(r) ? r[r.length - 1] : r);

/**
 * The first statement of a transaction, sent in the same message as its BEGIN (one round trip
 * fewer for every idempotent command). Its values are written into the text (no parameters: BEGIN
 * and it go as one simple query, which Postgres stops at the first error, so it can never run, and
 * commit, without its BEGIN). Only values the caller has escaped (escapeLiteral) or made numbers.
 */
export interface TransactionOpening {
  sql: string;
  /** Maps its error (the transaction is rolled back either way). */
  mapError?: (e: unknown) => unknown;
}

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** Runs fn in a transaction; commits if it resolves, rolls back if it throws. */
export async function inTransaction<T>(
  dataSource: DataSource,
  fn: (tx: Tx) => Promise<T>,
  isolation: IsolationLevel = 'READ COMMITTED',
  opening?: TransactionOpening,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const tx = new Tx(runner);
  const pg = tx.pg;
  if (pg && typeof pg.pipeline === 'boolean' && !pg.pipeline)
    return pipelined(runner, tx, pg, fn, isolation, opening);
  let hooks: Array<() => void | Promise<void>> = [];
  try {
    // TypeORM sends SET TRANSACTION ISOLATION LEVEL as a second round trip: skip it for Postgres's
    // default, READ COMMITTED (every command and consumer batch pays this).
    await runner.startTransaction(isolation === 'READ COMMITTED' ? undefined : isolation);
    if (opening) {
      try {
        tx.openingRows = await tx.rows(opening.sql);
      } catch (e) {
        throw opening.mapError ? opening.mapError(e) : e;
      }
    }
    const result = await fn(tx);
    await tx.settle();
    await runner.commitTransaction();
    hooks = tx.takeAfterCommitHooks();
    return result;
  } catch (e) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
    await runHooks(hooks);
  }
}

/**
 * The transaction on a pipelined connection (docs/adr/0008-write-path.md): statements issued together
 * (Promise.all) go on the wire together, deferred statements ride ahead of the next awaited one, and
 * COMMIT follows the last deferred statement without waiting for it. Postgres still runs them one by
 * one, in order, in the transaction; what is saved is the waiting. A failed statement aborts the
 * transaction, so everything behind it fails too; COMMIT in an aborted transaction answers ROLLBACK,
 * which is checked, never taken for success.
 */
async function pipelined<T>(
  runner: QueryRunner,
  tx: Tx,
  pg: PgClient,
  fn: (tx: Tx) => Promise<T>,
  isolation: IsolationLevel,
  opening: TransactionOpening | undefined,
): Promise<T> {
  // TypeORM's own calls on this runner (tx.manager) must see the transaction as open, or they would
  // wrap themselves in START TRANSACTION … COMMIT and commit ours early.
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  let hooks: Array<() => void | Promise<void>> = [];
  let open = false;
  pg.pipeline = true;
  tx.pipelined = true;
  try {
    // BEGIN is awaited: a statement pipelined behind a failed BEGIN would run, and commit, on its own.
    // Only the opening statement rides with it, in the same simple query (see TransactionOpening).
    const begin = isolation === 'READ COMMITTED' ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${isolation}`;
    if (opening) {
      open = true; // if BEGIN itself failed, the ROLLBACK below only draws a warning
      try {
        const results = await tx.send(pg, `${begin}; ${opening.sql}`);
        tx.openingRows = lastResult(results).rows;
      } catch (e) {
        throw opening.mapError ? opening.mapError(e) : e;
      }
    } else {
      await tx.send(pg, begin);
      open = true;
    }
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    const result = await fn(tx);
    // COMMIT goes out right behind the deferred statements; their failures win over its answer.
    const committing = tx.send(pg, 'COMMIT');
    committing.catch(() => undefined);
    await tx.settle();
    const commit = lastResult(await committing);
    open = false;
    if (commit.command !== 'COMMIT') throw new Error(`COMMIT answered ${String(commit.command)}`);
    hooks = tx.takeAfterCommitHooks();
    return result;
  } catch (e) {
    await tx.settle().catch(() => undefined);
    if (open) await tx.send(pg, 'ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    state.isTransactionActive = false;
    state.transactionDepth = 0;
    tx.pipelined = false;
    pg.pipeline = false;
    await runner.release();
    await runHooks(hooks);
  }
}

async function runHooks(hooks: Array<() => void | Promise<void>>): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch {
      // after-commit work is best effort by design: consumers poll as well
    }
  }
}

/** The SQLSTATE of a pg error, through TypeORM's QueryFailedError wrapper. */
export function pgErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  const code = err.driverError?.code ?? err.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgErrorDetail(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as { detail?: unknown; driverError?: { detail?: unknown } };
  const d = err.driverError?.detail ?? err.detail;
  return typeof d === 'string' ? d : undefined;
}
