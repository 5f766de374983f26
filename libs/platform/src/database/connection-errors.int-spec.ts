import { DataSource } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { isTransientStartError } from '../lifecycle/start-with-retry';
import { typeOrmOptions } from './typeorm-options';

// A pg client that Postgres cuts (a restart sends every backend FATAL 57P01) while it is checked out
// of the pool but running no query emits 'error'; pg-pool listens only while a client is idle in the
// pool, so without a listener of our own that event is thrown and the process dies. The fault suite
// lost its worker this way in CI (a respawned worker, booting under load, as Postgres restarted).
describe('a connection cut by Postgres while checked out (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let admin: DataSource;
  const pool = () => (ds.driver as unknown as { master: Pool }).master;
  const pidOf = async (c: PoolClient) =>
    Number(((await c.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid);
  const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);
  const ended = (c: PoolClient) => new Promise<void>((r) => c.once('end', () => r()));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(typeOrmOptions(testConfig(db, { DB_POOL_SIZE: '2' })));
    await ds.initialize();
    admin = new DataSource(typeOrmOptions(testConfig(db, { DB_POOL_SIZE: '2' })));
    await admin.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await admin?.destroy();
    await db?.drop();
  });

  it('every pool client listens for errors, from its first checkout', async () => {
    const c = await pool().connect();
    try {
      expect(c.listenerCount('error')).toBeGreaterThan(0);
    } finally {
      c.release();
    }
  });

  it('a raw client cut between queries does not throw; its holder gets a transient error and the pool recovers', async () => {
    const c = await pool().connect();
    const pid = await pidOf(c);
    const gone = ended(c);
    await terminate(pid);
    await gone; // the FATAL arrived while no query ran: without a listener this was an uncaught throw
    const next = await c.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(next).toBeInstanceOf(Error);
    expect(isTransientStartError(next)).toBe(true);
    c.release(next as Error);
    // The cut client is not handed out again: the next statements run on a fresh connection.
    const rows = (await ds.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    expect(Number(rows[0].pid)).not.toBe(pid);
  });

  it('a query runner cut between statements of a transaction fails the next statement, not the process', async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    await terminate(Number(pid));
    await new Promise((r) => setTimeout(r, 200));
    await expect(runner.query('SELECT 1')).rejects.toThrow();
    await runner.release();
    await expect(ds.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});
