import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@kefu/migrations';
import { AppConfig, typeOrmOptions, EventStore, inTransaction, UpcasterRegistry } from '@kefu/platform';
import { CaseResult, measure } from './measure';

/** A ticket-opened-sized payload (~450 bytes of JSON), the same for every case. */
function payload(i: number): Record<string, unknown> {
  return {
    ticketId: randomUUID(),
    number: `KF-${String(i).padStart(6, '0')}`,
    subject: 'Card payment failed but money left my account',
    description:
      'I paid 10.50 EUR at a merchant yesterday; the app says failed, the bank statement shows it.',
    category: 'payment_failed',
    priority: 'high',
    channel: 'app',
    language: 'en',
    customer: { id: `cust-${i % 1000}`, tier: 'standard' },
    transaction: {
      id: `tx-${i}`,
      amount: 1050,
      currency: 'EUR',
      merchantId: 'm-42',
      occurredAt: new Date().toISOString(),
    },
    tags: ['card', 'payments'],
  };
}

export interface AppendBenchOptions {
  config: AppConfig;
  seconds: number;
  warmupSeconds: number;
  concurrencies: number[];
  log: (line: string) => void;
}

export interface AppendBenchReport {
  results: CaseResult[];
  postgresVersion: string;
  database: string;
}

/**
 * The append path against plain node-pg, in one fresh database (created from scratch and
 * migrated, dropped at the end): (a) BEGIN; INSERT jsonb row; COMMIT through a pg.Pool;
 * (b) EventStore.append of one event to a new stream (no_stream); (c) one event to an existing
 * stream with the exact expected version; plus (d) a diagnostic: es_append called through a bare pg
 * client, to separate the SQL function's cost from TypeORM's query-runner overhead.
 */
export async function runAppendBench(opts: AppendBenchOptions): Promise<AppendBenchReport> {
  const maxWriters = Math.max(...opts.concurrencies);
  const server = new URL(opts.config.databaseUrl);
  const database = `kefu_bench_${Date.now()}`;
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${database}`;

  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const postgresVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string })
    .server_version;
  await admin.query(`CREATE DATABASE ${database}`);
  opts.log(`database ${database} created (Postgres ${postgresVersion})`);

  let pool: Pool | undefined;
  let ds: DataSource | undefined;
  try {
    const config = opts.config.with({ databaseUrl: dbUrl.toString(), dbPoolSize: maxWriters + 2 });
    ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.query(`CREATE TABLE bench_baseline (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      stream_id uuid NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    pool = new Pool({
      connectionString: dbUrl.toString(),
      max: maxWriters + 2,
      application_name: 'kefu-bench',
    });

    const store = new EventStore(new UpcasterRegistry());
    const dataSource = ds;
    const basePool = pool;
    let seq = 0;
    const results: CaseResult[] = [];
    const run = async (name: string, writers: number, setup: (w: number) => Promise<() => Promise<void>>) => {
      const r = await measure({
        name,
        writers,
        seconds: opts.seconds,
        warmupSeconds: opts.warmupSeconds,
        setup,
      });
      opts.log(
        `${name.padEnd(34)} ${String(writers).padStart(2)} writers: ${r.perSecond.toFixed(0).padStart(6)}/s ` +
          `p50 ${r.p50Ms.toFixed(2)} ms p99 ${r.p99Ms.toFixed(2)} ms`,
      );
      results.push(r);
    };

    for (const writers of opts.concurrencies) {
      await run('baseline: pg BEGIN; INSERT; COMMIT', writers, () =>
        Promise.resolve(async () => {
          const c = await basePool.connect();
          try {
            await c.query('BEGIN');
            await c.query('INSERT INTO bench_baseline (stream_id, data) VALUES ($1, $2)', [
              randomUUID(),
              JSON.stringify(payload(seq++)),
            ]);
            await c.query('COMMIT');
          } finally {
            c.release();
          }
        }),
      );

      await run('append: new stream (no_stream)', writers, () =>
        Promise.resolve(async () => {
          await inTransaction(dataSource, (tx) =>
            store.append(tx, {
              streamId: randomUUID(),
              streamType: 'bench',
              expectedVersion: 'no_stream',
              events: [{ type: 'BenchTicketOpened', data: payload(seq++) }],
            }),
          );
        }),
      );

      // Diagnostic: the same SQL function through a bare pg client, without TypeORM's query runner
      // (which sends START TRANSACTION and SET TRANSACTION ISOLATION LEVEL as two round trips).
      await run('diagnostic: es_append via bare pg', writers, () =>
        Promise.resolve(async () => {
          const c = await basePool.connect();
          try {
            await c.query('BEGIN');
            await c.query(
              `SELECT global_position FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[])`,
              [
                randomUUID(),
                'bench',
                -1,
                [randomUUID()],
                ['BenchTicketOpened'],
                [1],
                [JSON.stringify(payload(seq++))],
                ['{}'],
              ],
            );
            await c.query('COMMIT');
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw e;
          } finally {
            c.release();
          }
        }),
      );

      await run('append: existing stream (exact version)', writers, async () => {
        // One stream per writer, so writers never conflict; each knows its stream's version.
        const streamId = randomUUID();
        let version = (
          await inTransaction(dataSource, (tx) =>
            store.append(tx, {
              streamId,
              streamType: 'bench',
              expectedVersion: 'no_stream',
              events: [{ type: 'BenchTicketOpened', data: payload(seq++) }],
            }),
          )
        ).nextExpectedVersion;
        return async () => {
          const r = await inTransaction(dataSource, (tx) =>
            store.append(tx, {
              streamId,
              streamType: 'bench',
              expectedVersion: version,
              events: [{ type: 'BenchTicketUpdated', data: payload(seq++) }],
            }),
          );
          version = r.nextExpectedVersion;
        };
      });
    }
    return { results, postgresVersion, database };
  } finally {
    await pool?.end().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    opts.log(`database ${database} dropped`);
  }
}
