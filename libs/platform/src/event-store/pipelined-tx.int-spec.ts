import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { typeOrmOptions } from '../database/typeorm-options';
import { DomainError } from '../errors/domain-error';
import { IdempotencyRequest, fingerprintOf } from '../idempotency/idempotency';
import { CommandRunner } from './command-runner';
import { Decider } from '@kefu/kernel';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { MAX_PREPARED_SHAPES, inTransaction, preparedShape, preparedSql } from './tx';

type Cmd = { type: 'Add'; n: number };
type Ev = { type: 'Added'; data: { n: number } };
const adder: Decider<{ sum: number }, Cmd, Ev> = {
  initialState: () => ({ sum: 0 }),
  evolve: (s, e) => ({ sum: s.sum + e.data.n }),
  decide: (c) => [{ type: 'Added', data: { n: c.n } }],
};

// Tries to break the pipelined transaction (tx.ts, docs/adr/0008-write-path.md): statements sent
// without waiting for each other must still fail together, commit together, and report the real error.
describe('pipelined transactions (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: CommandRunner;
  const store = new EventStore();
  const count = async (sql: string, params: unknown[] = []) =>
    Number(((await ds.query(sql, params)) as Array<{ c: string }>)[0].c);

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two connections (the least the config allows): whatever a failed transaction leaves behind
    // on its connection, the transactions after it meet.
    ds = new DataSource(typeOrmOptions(testConfig(db, { DB_POOL_SIZE: '2' })));
    await ds.initialize();
    runner = new CommandRunner(ds, store);
    await ds.query(`CREATE TABLE pl_rows (id text PRIMARY KEY, v int NOT NULL)`);
    await ds.query(`CREATE TABLE pl_view (id text PRIMARY KEY, sum int NOT NULL, version int NOT NULL)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('a deferred statement that fails fails the commit, and nothing before or after it stays', async () => {
    await ds.query(`INSERT INTO pl_rows VALUES ('taken', 0)`);
    const attempt = inTransaction(ds, async (tx) => {
      await tx.execute(`INSERT INTO pl_rows VALUES ('a-1', 1)`);
      tx.defer(`INSERT INTO pl_rows VALUES ('taken', 2)`); // duplicate key, answered later
      tx.defer(`INSERT INTO pl_rows VALUES ('a-2', 3)`);
      return 'done';
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await count(`SELECT count(*) AS c FROM pl_rows WHERE id IN ('a-1', 'a-2')`)).toBe(0);
    // The connections are clean: the transactions after it (on either of them) commit.
    for (let i = 0; i < 4; i++)
      await inTransaction(ds, (tx) => tx.execute(`INSERT INTO pl_rows VALUES ($1, 4)`, [`a-ok-${i}`]));
    expect(await count(`SELECT count(*) AS c FROM pl_rows WHERE id LIKE 'a-ok-%'`)).toBe(4);
  });

  it('statements issued together: the failing one is the error reported, and none commits', async () => {
    const attempt = inTransaction(ds, async (tx) => {
      await Promise.all([
        tx.execute(`INSERT INTO pl_rows VALUES ('b-1', 1)`),
        tx.execute(`INSERT INTO pl_rows VALUES ('b-2', 1 / 0)`),
        tx.execute(`INSERT INTO pl_rows VALUES ('b-3', 1)`),
      ]);
    });
    await expect(attempt).rejects.toMatchObject({ code: '22012' });
    expect(await count(`SELECT count(*) AS c FROM pl_rows WHERE id LIKE 'b-%'`)).toBe(0);
  });

  it('an error thrown by the work rolls back statements still in flight', async () => {
    const attempt = inTransaction(ds, async (tx) => {
      tx.defer(`INSERT INTO pl_rows VALUES ('c-1', 1)`);
      void tx.execute(`INSERT INTO pl_rows VALUES ('c-2', 1)`).catch(() => undefined);
      throw new Error('changed my mind');
    });
    await expect(attempt).rejects.toThrow('changed my mind');
    expect(await count(`SELECT count(*) AS c FROM pl_rows WHERE id LIKE 'c-%'`)).toBe(0);
  });

  const handle = (
    id: string,
    n: number,
    extra: { idempotency?: IdempotencyRequest; retries?: number } = {},
  ) =>
    runner.handle({
      streamType: 'adder',
      streamId: id,
      decider: adder,
      command: { type: 'Add', n },
      isNew: true,
      ...extra,
      project: async (tx, events, state, version) => {
        await tx.execute(`INSERT INTO pl_view (id, sum, version) VALUES ($1, $2, $3)`, [
          id,
          state.sum,
          version,
        ]);
        expect(events.map((e) => e.streamPosition)).toEqual([1]);
      },
      projectAhead: true,
      respond: async (tx) => (await tx.one(`SELECT sum, version FROM pl_view WHERE id = $1`, [id]))!,
    });

  it('projectAhead: a conflicting append is the error thrown, and its projection is rolled back', async () => {
    await handle('s-1', 5);
    // The stream exists: the append (no_stream) conflicts; the projection behind it fails as well
    // (aborted transaction, or its own duplicate key), but the caller sees the conflict.
    await expect(handle('s-1', 7, { retries: 0 })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await ds.query(`SELECT sum, version FROM pl_view WHERE id = 's-1'`)).toEqual([
      { sum: 5, version: 1 },
    ]);
    expect(await count(`SELECT count(*) AS c FROM es_events WHERE stream_id = 's-1'`)).toBe(1);
  });

  it('projectAhead: a failing projection fails the command, and its events are not committed', async () => {
    await ds.query(`INSERT INTO pl_view VALUES ('s-2', 0, 0)`);
    await expect(handle('s-2', 1, { retries: 0 })).rejects.toMatchObject({ code: '23505' });
    expect(await count(`SELECT count(*) AS c FROM es_events WHERE stream_id = 's-2'`)).toBe(0);
    expect(await count(`SELECT count(*) AS c FROM es_streams WHERE stream_id = 's-2'`)).toBe(0);
  });
  describe('prepared statements (parsed once per connection)', () => {
    const BUMP = preparedSql('test_pl_bump', `UPDATE pl_view SET sum = sum + $2 WHERE id = $1 RETURNING sum`);
    const seen = async (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
      (
        await tx.rows<{ name: string; n: string }>(
          `SELECT name, (generic_plans + custom_plans)::text AS n FROM pg_prepared_statements WHERE name = $1`,
          [BUMP.name],
        )
      ).map((r) => ({ name: r.name, n: Number(r.n) }));

    it('runs under its name, reused by later transactions on the same connection', async () => {
      await ds.query(`INSERT INTO pl_view VALUES ('p-1', 0, 1)`);
      const sums: number[] = [];
      const uses: Array<Array<{ name: string; n: number }>> = [];
      for (let i = 1; i <= 6; i++) {
        await inTransaction(ds, async (tx) => {
          const [a] = await tx.rows<{ sum: number }>(BUMP, ['p-1', i]);
          sums.push(a.sum);
          uses.push(await seen(tx));
        });
      }
      expect(sums).toEqual([1, 3, 6, 10, 15, 21]);
      // Each connection of the pool (two) holds the statement once, and its use count grows.
      for (const u of uses) expect(u).toEqual([{ name: 'kf_test_pl_bump', n: expect.any(Number) }]);
      const counts = uses.map((u) => u[0].n);
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
    });

    it('a first use in an aborted transaction leaves the connection able to prepare it later', async () => {
      const FRESH = preparedSql('test_pl_fresh', `SELECT count(*)::int AS c FROM pl_rows WHERE v = $1`);
      const failed = inTransaction(ds, async (tx) => {
        await tx.execute(`SELECT 1/0`).catch(() => undefined); // the transaction is now aborted
        return tx.rows(FRESH, [1]); // its Parse is refused
      });
      await expect(failed).rejects.toMatchObject({ code: '25P02' });
      for (let i = 0; i < 4; i++) {
        const [row] = await inTransaction(ds, (tx) => tx.rows<{ c: number }>(FRESH, [4]));
        expect(row.c).toBeGreaterThanOrEqual(0);
      }
    });

    it('dynamic shapes: one name per text, up to a bound, and never for `*`', async () => {
      const page = (col: string) => `SELECT id, ${col} FROM pl_rows WHERE v > $1 ORDER BY id`;
      const a = preparedShape(page('v'));
      expect(a).toEqual({ name: expect.stringMatching(/^kf_s_[0-9a-f]{20}$/), text: page('v') });
      expect(preparedShape(page('v'))).toBe(a);
      expect(preparedShape(`SELECT * FROM pl_rows`)).toBe(`SELECT * FROM pl_rows`);
      const rows = await inTransaction(ds, (tx) => tx.rows<{ id: string }>(a, [-1]));
      expect(rows.length).toBeGreaterThan(0);
      for (let i = 0; i < MAX_PREPARED_SHAPES; i++) preparedShape(page(`v + ${i}`));
      expect(typeof preparedShape(page('v * 3'))).toBe('string'); // past the bound: unnamed
      expect(preparedShape(page('v'))).toBe(a); // the ones already named stay named
    });

    it('refuses a second text under one name, and `*` (a migration would break the cached plan)', () => {
      expect(preparedSql('test_pl_bump', BUMP.text)).toEqual(BUMP);
      expect(() => preparedSql('test_pl_bump', `SELECT 1`)).toThrow(/declared twice/);
      expect(() => preparedSql('test_pl_star', `SELECT * FROM pl_rows`)).toThrow(/selects \*/);
      expect(() => preparedSql('test_pl_star2', `UPDATE pl_rows SET v = 1 RETURNING pl_rows.*`)).toThrow(
        /selects \*/,
      );
      expect(() =>
        preparedSql('test_pl_star3', `SELECT id, v * 2 AS w, count(*) FROM pl_rows GROUP BY id`),
      ).not.toThrow();
    });
  });
});

describe('pipelined idempotent commands under concurrency (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: CommandRunner;
  const store = new EventStore();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    runner = new CommandRunner(ds, store);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('one key sent 12 times at once: one execution, every answer the same response or "in progress"', async () => {
    const idempotency: IdempotencyRequest = {
      scope: 'apikey:test',
      key: 'same-key',
      fingerprint: fingerprintOf('POST', '/x', { n: 1 }),
    };
    let executions = 0;
    const attempts = Array.from({ length: 12 }, () =>
      runner
        .transaction({ idempotency, successStatus: 201 }, async (tx) => {
          executions++;
          const r = await store.append(tx, {
            streamId: 'once',
            streamType: 'adder',
            expectedVersion: 'no_stream',
            events: [{ type: 'Added', data: { n: 1 } }],
          });
          return { position: r.nextExpectedVersion, at: 'first' };
        })
        .then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
    );
    const outcomes = await Promise.all(attempts);
    const ok = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o) => !o.ok);
    expect(executions).toBe(1);
    expect(ok.filter((o) => !o.r.replayed)).toHaveLength(1);
    for (const o of ok) expect(o.r).toMatchObject({ result: { position: 1, at: 'first' }, status: 201 });
    for (const f of failed) {
      expect(f.e).toBeInstanceOf(DomainError);
      expect((f.e as DomainError).code).toBe('idempotency_request_in_progress');
    }
    const events = (await ds.query(`SELECT count(*) AS c FROM es_events WHERE stream_id = 'once'`)) as Array<{
      c: string;
    }>;
    expect(Number(events[0].c)).toBe(1);
  });
});
