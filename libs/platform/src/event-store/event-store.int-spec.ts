import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { inTransaction } from './tx';
import { UpcasterRegistry } from './upcasters';

describe('EventStore (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new EventStore(new UpcasterRegistry());
  const ev = (n: number) => ({ type: 'Thing', data: { n } });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('appends to a new stream with no_stream and reads it back in order', async () => {
    const r = await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 's-1',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: [ev(1), ev(2)],
      }),
    );
    expect(r.nextExpectedVersion).toBe(2);
    const events = await inTransaction(ds, (tx) => store.readStream(tx, 's-1'));
    expect(events.map((e) => [e.streamPosition, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
  });

  it('checks every kind of expected version', async () => {
    const append = (expectedVersion: Parameters<EventStore['append']>[1]['expectedVersion'], id = 's-2') =>
      inTransaction(ds, (tx) =>
        store.append(tx, { streamId: id, streamType: 'thing', expectedVersion, events: [ev(0)] }),
      );
    await expect(append('stream_exists')).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(3)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(0)).resolves.toMatchObject({ nextExpectedVersion: 1 });
    await expect(append('no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(0)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(1)).resolves.toMatchObject({ nextExpectedVersion: 2 });
    await expect(append('any')).resolves.toMatchObject({ nextExpectedVersion: 3 });
    await expect(append('stream_exists')).resolves.toMatchObject({ nextExpectedVersion: 4 });
    await expect(append('any', 's-2b')).resolves.toMatchObject({ nextExpectedVersion: 1 });
  });

  it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
    await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 's-race',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: [ev(0)],
      }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(ds, (tx) =>
          store.append(tx, {
            streamId: 's-race',
            streamType: 'thing',
            expectedVersion: 1,
            events: [ev(i), ev(i)],
          }),
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const positions = (await inTransaction(ds, (tx) => store.readStream(tx, 's-race'))).map(
      (e) => e.streamPosition,
    );
    expect(positions).toEqual([1, 2, 3]);
  });

  it('lets exactly one of 20 concurrent creators of the same stream win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(ds, (tx) =>
          store.append(tx, {
            streamId: 's-new',
            streamType: 'thing',
            expectedVersion: 'no_stream',
            events: [ev(i)],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const positions = (await inTransaction(ds, (tx) => store.readStream(tx, 's-new'))).map(
      (e) => e.streamPosition,
    );
    expect(positions).toEqual([1]);
  });

  it('a refused append leaves the stream version as it was (es_append bumps first, and its raise undoes the bump)', async () => {
    const version = async (id: string) =>
      Number(
        (
          (await ds.query(`SELECT version FROM es_streams WHERE stream_id = $1`, [id])) as Array<{
            version: string;
          }>
        )[0].version,
      );
    const append = (
      expectedVersion: Parameters<EventStore['append']>[1]['expectedVersion'],
      streamType = 'thing',
    ) =>
      inTransaction(ds, (tx) =>
        store.append(tx, { streamId: 's-undo', streamType, expectedVersion, events: [ev(0), ev(1)] }),
      );
    await append('no_stream');
    await expect(append(7)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append('any', 'other-thing')).rejects.toThrow(/is a thing, not a other-thing/);
    await expect(append('no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await version('s-undo')).toBe(2);
    await expect(append(2)).resolves.toMatchObject({ nextExpectedVersion: 4 });
    expect(await version('s-undo')).toBe(4);
  });

  it('20 concurrent appends with `any` all land, at contiguous positions, and the version counts them', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(ds, (tx) =>
          store.append(tx, {
            streamId: 's-any',
            streamType: 'thing',
            expectedVersion: 'any',
            events: [ev(i), ev(i)],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const positions = (await inTransaction(ds, (tx) => store.readStream(tx, 's-any'))).map(
      (e) => e.streamPosition,
    );
    expect(positions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const [row] = (await ds.query(`SELECT version FROM es_streams WHERE stream_id = 's-any'`)) as Array<{
      version: string;
    }>;
    expect(Number(row.version)).toBe(40);
  });

  it('appends to several streams atomically', async () => {
    await expect(
      inTransaction(ds, (tx) =>
        store.appendMany(tx, [
          { streamId: 'm-a', streamType: 'thing', expectedVersion: 'no_stream', events: [ev(1)] },
          { streamId: 'm-b', streamType: 'thing', expectedVersion: 5, events: [ev(2)] },
        ]),
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const a = await inTransaction(ds, (tx) => store.readStream(tx, 'm-a'));
    expect(a).toHaveLength(0);
    const both = await inTransaction(ds, (tx) =>
      store.appendMany(tx, [
        { streamId: 'm-a', streamType: 'thing', expectedVersion: 'no_stream', events: [ev(1)] },
        { streamId: 'm-b', streamType: 'thing', expectedVersion: 'no_stream', events: [ev(2)] },
      ]),
    );
    expect(both.map((r) => r.streamId)).toEqual(['m-a', 'm-b']);
    expect(new Set(both.map((r) => r.events[0].transactionId)).size).toBe(1);
  });

  it('refuses appending a different stream type to an existing stream', async () => {
    await inTransaction(ds, (tx) =>
      store.append(tx, { streamId: 't-1', streamType: 'thing', expectedVersion: 'any', events: [ev(1)] }),
    );
    await expect(
      inTransaction(ds, (tx) =>
        store.append(tx, { streamId: 't-1', streamType: 'other', expectedVersion: 'any', events: [ev(1)] }),
      ),
    ).rejects.toThrow(/is a thing, not a other/);
  });

  it('orders numerically past 9 events (positions are bigints, not text)', async () => {
    await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 'many',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: Array.from({ length: 12 }, (_, i) => ev(i + 1)),
      }),
    );
    const read = await inTransaction(ds, (tx) => store.readStream(tx, 'many'));
    expect(read.map((e) => e.streamPosition)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const all = await inTransaction(ds, (tx) => store.readAll(tx));
    const positions = all.filter((e) => e.streamId === 'many').map((e) => BigInt(e.globalPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('reads a stream as of a time', async () => {
    await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 'asof',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: [ev(1)],
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const mid = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await inTransaction(ds, (tx) =>
      store.append(tx, { streamId: 'asof', streamType: 'thing', expectedVersion: 1, events: [ev(2)] }),
    );
    const then = await inTransaction(ds, (tx) => store.readStream(tx, 'asof', { asOf: mid }));
    expect(then.map((e) => e.data)).toEqual([{ n: 1 }]);
  });
});
