import { DataSource, QueryRunner } from 'typeorm';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { ConsumerRunner, EventConsumer } from './consumer-runner';
import { EventStore } from './event-store';
import { Tx, inTransaction } from './tx';
import { StoredEvent } from './types';
import { UpcasterRegistry } from './upcasters';

/** A consumer that records what it saw into a read-model table, in the batch transaction. */
class RecordingConsumer implements EventConsumer {
  seen: StoredEvent[] = [];
  failAfterApply = false;
  constructor(
    readonly name: string,
    readonly batchSize = 100,
  ) {}
  async handle(events: StoredEvent[], tx: Tx): Promise<void> {
    for (const e of events) {
      await tx.execute(`INSERT INTO rm_seen (consumer, event_id, n) VALUES ($1, $2, $3)`, [
        this.name,
        e.eventId,
        (e.data as { n: number }).n,
      ]);
    }
    if (this.failAfterApply) throw new Error('boom after apply, before checkpoint');
    this.seen.push(...events);
  }
}

describe('reading the global log (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new EventStore(new UpcasterRegistry());
  let seq = 0;
  const append = (tx: Tx, stream = `s-${++seq}`) =>
    store.append(tx, {
      streamId: stream,
      streamType: 'thing',
      expectedVersion: 'any',
      events: [{ type: 'Thing', data: { n: ++seq } }],
    });

  /**
   * pg_snapshot_xmin is cluster-wide: a transaction open in another test file's database briefly
   * holds events back. Drain until the consumer has seen `n` events (or give up after 30 s).
   */
  async function drainUntil(runner: ConsumerRunner, consumer: RecordingConsumer, n: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (consumer.seen.length < n && Date.now() < deadline) {
      await runner.drain();
      if (consumer.seen.length < n) await new Promise((r) => setTimeout(r, 20));
    }
  }

  const committedCount = async () => Number((await ds.query(`SELECT count(*) AS c FROM es_events`))[0].c);

  async function openTx(): Promise<{ runner: QueryRunner; tx: Tx }> {
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    return { runner, tx: new Tx(runner) };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    await ds.query(
      `CREATE TABLE rm_seen (consumer text, event_id uuid, n int, PRIMARY KEY (consumer, event_id))`,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('does not skip a transaction that took an earlier position but committed later', async () => {
    const consumer = new RecordingConsumer('out-of-order');
    const runner = new ConsumerRunner(ds, store, consumer);
    await drainUntil(runner, consumer, await committedCount());
    consumer.seen = [];

    // low gets its transaction id first, high second.
    const low = await openTx();
    const high = await openTx();
    const xLow = (await low.tx.one<{ x: string }>(`SELECT pg_current_xact_id()::text AS x`))!.x;
    const xHigh = (await high.tx.one<{ x: string }>(`SELECT pg_current_xact_id()::text AS x`))!.x;
    expect(BigInt(xHigh)).toBeGreaterThan(BigInt(xLow));

    // high writes first (smaller global position) and commits last.
    const h = await append(high.tx);
    const l = await append(low.tx);
    expect(BigInt(h.events[0].globalPosition)).toBeLessThan(BigInt(l.events[0].globalPosition));
    await low.runner.commitTransaction();
    await low.runner.release();

    await drainUntil(runner, consumer, 1);
    expect(consumer.seen.map((e) => e.eventId)).toEqual([l.events[0].eventId]);

    await high.runner.commitTransaction();
    await high.runner.release();
    await drainUntil(runner, consumer, 2);
    expect(consumer.seen.map((e) => e.eventId)).toEqual([l.events[0].eventId, h.events[0].eventId]);

    // exactly once: the read model has each once (the PK would have refused a second insert anyway)
    const rows = await ds.query(`SELECT count(*)::int AS c FROM rm_seen WHERE consumer = 'out-of-order'`);
    expect(rows[0].c).toBeGreaterThanOrEqual(2);
    await runner.drain();
    expect(consumer.seen).toHaveLength(2);
  });

  it('a plain global_position cursor would have skipped that event (the bug this design avoids)', async () => {
    const low = await openTx();
    const high = await openTx();
    await low.tx.one(`SELECT pg_current_xact_id()`);
    await high.tx.one(`SELECT pg_current_xact_id()`);
    const h = await append(high.tx);
    const l = await append(low.tx);
    await low.runner.commitTransaction();
    await low.runner.release();
    const naiveCursor = l.events[0].globalPosition; // what a position-only reader would checkpoint now
    await high.runner.commitTransaction();
    await high.runner.release();
    const after = await ds.query(`SELECT event_id FROM es_events WHERE global_position > $1`, [naiveCursor]);
    expect(after.map((r: { event_id: string }) => r.event_id)).not.toContain(h.events[0].eventId);
  });

  it('holds later events back while an earlier transaction is open, and is not stalled by a rollback', async () => {
    const consumer = new RecordingConsumer('rollback');
    const runner = new ConsumerRunner(ds, store, consumer);
    await drainUntil(runner, consumer, await committedCount());
    consumer.seen = [];

    const doomed = await openTx();
    await append(doomed.tx); // takes an xid and a position, will roll back
    const committed = await inTransaction(ds, (tx) => append(tx));
    await runner.drain();
    expect(consumer.seen).toHaveLength(0); // held back (not skipped) while `doomed` is in flight

    await doomed.runner.rollbackTransaction();
    await doomed.runner.release();
    await drainUntil(runner, consumer, 1);
    expect(consumer.seen.map((e) => e.eventId)).toEqual([committed.events[0].eventId]);
  });

  it('catchUp waits for what an open transaction holds back, where one drain stops short', async () => {
    const consumer = new RecordingConsumer('catch-up');
    const runner = new ConsumerRunner(ds, store, consumer);
    await runner.catchUp();
    const holder = await openTx();
    await holder.tx.one(`SELECT pg_current_xact_id()`); // an xid: the horizon stops below it
    const later = await inTransaction(ds, (tx) => append(tx));
    const position = later.events[0].globalPosition;
    await runner.drain();
    expect(consumer.seen.map((e) => e.eventId)).not.toContain(later.events[0].eventId);
    await expect(runner.catchUp(position, 300)).rejects.toThrow(`did not reach position ${position}`);
    const catching = runner.catchUp(position, 10_000);
    await holder.runner.rollbackTransaction();
    await holder.runner.release();
    await catching;
    expect(consumer.seen.map((e) => e.eventId)).toContain(later.events[0].eventId);
    expect((await runner.checkpoint()).globalPosition).toBe(position);
  });

  it('a consumer that throws after applying leaves read model and checkpoint unchanged; a re-run gives the same result', async () => {
    await inTransaction(ds, async (tx) => {
      for (let i = 0; i < 5; i++) await append(tx);
    });
    const total = await committedCount();
    const reference = new RecordingConsumer('reference');
    await drainUntil(new ConsumerRunner(ds, store, reference), reference, total);

    const flaky = new RecordingConsumer('flaky', 3);
    const runner = new ConsumerRunner(ds, store, flaky);
    flaky.failAfterApply = true;
    const before = await runner.checkpoint();
    await expect(runner.runBatch()).rejects.toThrow('boom');
    expect(await runner.checkpoint()).toEqual(before);
    const rows = await ds.query(`SELECT count(*)::int AS c FROM rm_seen WHERE consumer = 'flaky'`);
    expect(rows[0].c).toBe(0);

    flaky.failAfterApply = false;
    await drainUntil(runner, flaky, total);
    const model = async (c: string) =>
      (await ds.query(`SELECT event_id, n FROM rm_seen WHERE consumer = $1 ORDER BY n`, [c])) as unknown[];
    expect(await model('flaky')).toEqual(await model('reference'));
    expect(await runner.checkpoint()).toEqual(await new ConsumerRunner(ds, store, reference).checkpoint());
  });

  it('starts a consumer with startAt "end" after the history, and gives it everything committed later', async () => {
    await inTransaction(ds, (tx) => append(tx));
    const history = await committedCount();
    // Place the "end" once the whole history is visible: while another test file's transaction holds the
    // cluster-wide xmin back, the end a reader can see is earlier than what this file has committed.
    const lastXid = (await ds.query(`SELECT max(transaction_id)::text AS x FROM es_events`))[0].x as string;
    const horizon = Date.now() + 30_000;
    while (Date.now() < horizon) {
      const xmin = (await ds.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x`))[0]
        .x as string;
      if (BigInt(xmin) > BigInt(lastXid)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const notices = new RecordingConsumer('from-the-end');
    const runner = new ConsumerRunner(ds, store, Object.assign(notices, { startAt: 'end' as const }));
    await runner.drain();
    const fresh = await inTransaction(ds, (tx) => append(tx));
    await drainUntil(runner, notices, 1);
    expect(history).toBeGreaterThan(10);
    expect(notices.seen.map((e) => e.eventId)).toContain(fresh.events[0].eventId);
    // Not the history (at most the last historical event, if another test file's open transaction
    // held the cluster-wide xmin back when the checkpoint was placed).
    expect(notices.seen.length).toBeLessThanOrEqual(2);
  });

  it('creates the checkpoint once per runner, and again when the row was removed (a reset)', async () => {
    await inTransaction(ds, (tx) => append(tx));
    const total = await committedCount();
    const consumer = new RecordingConsumer('reset');
    const runner = new ConsumerRunner(ds, store, consumer);
    await drainUntil(runner, consumer, total);
    await ds.query(`DELETE FROM es_checkpoints WHERE consumer = 'reset'`);
    consumer.seen = [];
    await ds.query(`DELETE FROM rm_seen WHERE consumer = 'reset'`);
    await drainUntil(runner, consumer, total);
    expect(consumer.seen).toHaveLength(total);
    expect((await runner.checkpoint()).globalPosition).not.toBe('0');
  });

  it('keeps a consumer single-active: a second instance does not run while the first holds the lock', async () => {
    await inTransaction(ds, (tx) => append(tx));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: EventConsumer = {
      name: 'single',
      handle: async () => {
        await gate;
      },
    };
    const first = new ConsumerRunner(ds, store, slow);
    const second = new ConsumerRunner(ds, store, { name: 'single', handle: async () => undefined });
    await first.ensureCheckpoint();
    const running = first.runBatch();
    await new Promise((r) => setTimeout(r, 100));
    await expect(second.runBatch()).resolves.toMatchObject({ ran: false });
    release();
    await expect(running).resolves.toMatchObject({ ran: true });
  });

  it('reads an event stored at schema version 1 as the latest version (upcasting)', async () => {
    const upcasters = new UpcasterRegistry()
      .register('PriceSet', 1, (d) => ({ amount: Math.round((d.price as number) * 100), currency: 'EUR' }))
      .register('PriceSet', 2, (d) => ({ ...d, source: 'legacy' }));
    const modern = new EventStore(upcasters);
    expect(upcasters.latestVersion('PriceSet')).toBe(3);
    // An event written by old code, straight into the table, at version 1.
    await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 'price-1',
        streamType: 'price',
        expectedVersion: 'no_stream',
        events: [{ type: 'PriceSet', data: { price: 10.5 }, schemaVersion: 1 }],
      }),
    );
    const raw = await ds.query(`SELECT schema_version, data FROM es_events WHERE stream_id = 'price-1'`);
    expect(raw[0]).toEqual({ schema_version: 1, data: { price: 10.5 } }); // never rewritten
    const [read] = await inTransaction(ds, (tx) => modern.readStream(tx, 'price-1'));
    expect(read.schemaVersion).toBe(3);
    expect(read.data).toEqual({ amount: 1050, currency: 'EUR', source: 'legacy' });
    // New appends are stamped with the latest version and pass through untouched.
    const appended = await inTransaction(ds, (tx) =>
      modern.append(tx, {
        streamId: 'price-1',
        streamType: 'price',
        expectedVersion: 1,
        events: [{ type: 'PriceSet', data: { amount: 1, currency: 'EUR', source: 'api' } }],
      }),
    );
    expect(appended.events[0].schemaVersion).toBe(3);
  });
});
