import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { DomainError } from '../errors/domain-error';
import {
  IdempotencyRequest,
  claimedIdempotencyKey,
  fingerprintOf,
  idempotencyClaim,
} from '../idempotency/idempotency';
import { Actor, SYSTEM, Decider } from '@kefu/kernel';
import { FixedClock } from '../clock/clock';
import { CommandRunner } from './command-runner';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { Tx, inTransaction } from './tx';

type Cmd = { type: 'Increment'; by: number } | { type: 'Refuse' };
type Ev = { type: 'Incremented'; data: { by: number } };
const counter: Decider<{ total: number }, Cmd, Ev> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.by }),
  decide: (c) => {
    if (c.type === 'Refuse') throw DomainError.invalidTransition('refused');
    return [{ type: 'Incremented', data: { by: c.by } }];
  },
};

describe('CommandRunner (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: CommandRunner;
  const store = new EventStore();

  const project = async (tx: Tx, _e: unknown, state: { total: number }, version: number, id: string) => {
    await tx.execute(
      `INSERT INTO rm_counter (id, total, version) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, version = EXCLUDED.version`,
      [id, state.total, version],
    );
  };
  const run = (
    id: string,
    command: Cmd,
    extra: { expectedVersion?: number; idempotency?: IdempotencyRequest; retries?: number } = {},
  ) =>
    runner.handle({
      streamType: 'counter',
      streamId: id,
      decider: counter,
      command,
      successStatus: 201,
      ...extra,
      project: (tx, events, state, version) => project(tx, events, state, version, id),
      respond: async (tx) =>
        (await tx.one(`SELECT id, total, version FROM rm_counter WHERE id = $1`, [id])) ?? null,
    });
  const eventCount = async (id: string) =>
    Number((await ds.query(`SELECT count(*) AS c FROM es_events WHERE stream_id = $1`, [id]))[0].c);
  const key = (k: string, body: unknown): IdempotencyRequest => ({
    scope: 'apikey:test',
    key: k,
    fingerprint: fingerprintOf('POST', '/x', body),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    runner = new CommandRunner(ds, store);
    await ds.query(`CREATE TABLE rm_counter (id text PRIMARY KEY, total int, version int)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('loads, decides, appends and projects in one transaction; the response reads its own write', async () => {
    const r = await run('c-1', { type: 'Increment', by: 2 });
    expect(r).toEqual({ result: { id: 'c-1', total: 2, version: 1 }, replayed: false, status: 201 });
  });

  it('writes nothing when the decider refuses', async () => {
    await expect(run('c-2', { type: 'Refuse' })).rejects.toMatchObject({ code: 'invalid_transition' });
    expect(await eventCount('c-2')).toBe(0);
    expect(await ds.query(`SELECT * FROM rm_counter WHERE id = 'c-2'`)).toEqual([]);
  });

  it('retries unpinned commands on conflict so concurrent writers all land', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () => run('c-3', { type: 'Increment', by: 1 }, { retries: 10 })),
    );
    expect(await eventCount('c-3')).toBe(8);
    expect((await ds.query(`SELECT total, version FROM rm_counter WHERE id = 'c-3'`))[0]).toEqual({
      total: 8,
      version: 8,
    });
  });

  it('with a pinned expectedVersion, exactly one of 20 concurrent commands wins; the rest get VERSION_CONFLICT', async () => {
    await run('c-4', { type: 'Increment', by: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => run('c-4', { type: 'Increment', by: 1 }, { expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'version_conflict' });
    }
    expect(await eventCount('c-4')).toBe(2);
  });

  it('refuses a stale pinned version without appending', async () => {
    await expect(run('c-4', { type: 'Increment', by: 1 }, { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'version_conflict',
    });
    expect(await eventCount('c-4')).toBe(2);
  });

  it('replays the first response for the same Idempotency-Key and body, with one set of events', async () => {
    const body = { by: 5 };
    const first = await run('c-5', { type: 'Increment', by: 5 }, { idempotency: key('k-5', body) });
    const again = await run('c-5', { type: 'Increment', by: 5 }, { idempotency: key('k-5', body) });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await eventCount('c-5')).toBe(1);
  });

  it('handles the same key sent concurrently: one set of events, the same response for all', async () => {
    const body = { by: 3 };
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        run('c-6', { type: 'Increment', by: 3 }, { idempotency: key('k-6', body) }),
      ),
    );
    expect(await eventCount('c-6')).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused, nothing written', async () => {
    await run('c-7', { type: 'Increment', by: 1 }, { idempotency: key('k-7', { by: 1 }) });
    await expect(
      run('c-7', { type: 'Increment', by: 2 }, { idempotency: key('k-7', { by: 2 }) }),
    ).rejects.toMatchObject({
      code: 'idempotency_key_reused',
      category: 'unprocessable',
    });
    expect(await eventCount('c-7')).toBe(1);
  });

  it('keeps no key for a request that failed, so the client can retry it', async () => {
    await expect(run('c-8', { type: 'Refuse' }, { idempotency: key('k-8', {}) })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    await expect(
      run('c-8', { type: 'Increment', by: 1 }, { idempotency: key('k-8', {}) }),
    ).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('answers 409 idempotency_request_in_progress when the first request is still running after the wait', async () => {
    const slow = new CommandRunner(ds, store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = slow.transaction({ idempotency: key('k-9', {}) }, async () => {
      await gate;
      return 'first';
    });
    await new Promise((r) => setTimeout(r, 100));
    await expect(
      inTransaction(
        ds,
        async (tx) => claimedIdempotencyKey(tx, key('k-9', {})),
        'READ COMMITTED',
        idempotencyClaim(key('k-9', {}), 24, 200),
      ),
    ).rejects.toMatchObject({
      code: 'idempotency_request_in_progress',
    });
    release();
    await expect(first).resolves.toMatchObject({ result: 'first' });
  });

  it('a key with quotes, backslashes and SQL in it is claimed and replayed as itself (it is written into the BEGIN message)', async () => {
    const nasty = `it's a \\ "key"; DROP TABLE idempotency_keys; --\\'`;
    let runs = 0;
    const once = () =>
      runner.transaction({ idempotency: key(nasty, { n: 1 }) }, async () => {
        runs++;
        return { n: runs };
      });
    await expect(once()).resolves.toMatchObject({ result: { n: 1 }, replayed: false });
    await expect(once()).resolves.toMatchObject({ result: { n: 1 }, replayed: true });
    expect(runs).toBe(1);
    const stored = (await ds.query(`SELECT key FROM idempotency_keys WHERE key = $1`, [nasty])) as Array<{
      key: string;
    }>;
    expect(stored).toEqual([{ key: nasty }]);
  });

  it('stamps who and when: the caller as its domain actor, SYSTEM as itself, the time from its clock', () => {
    const stamping = new CommandRunner(ds, store, { clock: new FixedClock('2030-05-06T07:08:09.000Z') });
    type Stamped = { type: 'Ping'; data: object; actor: Actor; now: string };
    expect(
      stamping.stamp<Stamped>({ kind: 'user', sub: 'ann', role: 'agent' }, { type: 'Ping', data: {} }),
    ).toEqual({
      type: 'Ping',
      data: {},
      actor: { role: 'agent', id: 'ann' },
      now: '2030-05-06T07:08:09.000Z',
    });
    expect(stamping.stamp<Stamped>(SYSTEM, { type: 'Ping', data: {} }).actor).toEqual({
      role: 'system',
      id: 'kefu',
    });
  });

  it('runs an inbox message once; a redelivery answers with `redelivered` and appends nothing', async () => {
    const inbox = { handler: 'counter-test', messageId: 'm-1', redelivered: () => Promise.resolve('again') };
    const work = (tx: Tx) =>
      runner.handleIn(tx, {
        streamType: 'counter',
        streamId: 'c-inbox',
        decider: counter,
        command: { type: 'Increment', by: 1 },
        respond: () => Promise.resolve('applied'),
      });
    await expect(runner.transaction({ inbox }, work)).resolves.toMatchObject({ result: 'applied' });
    await expect(runner.transaction({ inbox }, work)).resolves.toMatchObject({ result: 'again' });
    expect(await eventCount('c-inbox')).toBe(1);
  });

  it('reveals after commit: the stored idempotent response stays as the work returned it', async () => {
    const reveal = (v: string, committed: Tx | undefined) =>
      Promise.resolve(`${v}+opened(${committed ? 'tx' : 'replay'})`);
    const first = await runner.transaction({ idempotency: key('k-10', {}), reveal }, () =>
      Promise.resolve('sealed'),
    );
    expect(first).toMatchObject({ result: 'sealed+opened(tx)', replayed: false });
    const again = await runner.transaction({ idempotency: key('k-10', {}), reveal }, () =>
      Promise.resolve('other'),
    );
    // The replay is the stored (sealed) answer, opened again; not a stored clear one.
    expect(again).toMatchObject({ result: 'sealed+opened(replay)', replayed: true });
  });

  it('does not retry a conflict when the client pinned a version', async () => {
    await run('c-pin', { type: 'Increment', by: 1 });
    let attempts = 0;
    await expect(
      runner.transaction({ expectedVersion: 1 }, () => {
        attempts++;
        return Promise.reject(new ConcurrencyError('c-pin', '1', 2, true));
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(
      runner.transaction({}, async () => {
        if (++attempts < 3) throw new ConcurrencyError('c-pin', '1', 2, true);
        return 'landed';
      }),
    ).resolves.toMatchObject({ result: 'landed' });
    expect(attempts).toBe(3);
  });
});
