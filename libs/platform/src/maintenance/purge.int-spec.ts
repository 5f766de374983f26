import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { PurgeService } from './purge';

describe('PurgeService (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const now = new Date('2026-11-22T12:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const count = async (table: string) =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('deletes expired idempotency keys and inbox rows past the retention, keeps the rest, once under concurrency', async () => {
    // 12,000 expired keys (more than one batch) and 3 live ones; 7,000 old inbox rows and 2 recent ones.
    await ds.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, expires_at)
       SELECT 'apikey:x', 'k' || g, 'f', $1::timestamptz - interval '1 minute' FROM generate_series(1, 12000) g`,
      [now],
    );
    await ds.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, expires_at)
       SELECT 'apikey:x', 'live' || g, 'f', $1::timestamptz + interval '1 hour' FROM generate_series(1, 3) g`,
      [now],
    );
    await ds.query(
      `INSERT INTO es_inbox (handler, message_id, processed_at)
       SELECT 'h', 'm' || g, $1::timestamptz - interval '31 days' FROM generate_series(1, 7000) g`,
      [now],
    );
    await ds.query(
      `INSERT INTO es_inbox (handler, message_id, processed_at)
       SELECT 'h', 'recent' || g, $1::timestamptz - interval '29 days' FROM generate_series(1, 2) g`,
      [now],
    );
    const config = testConfig(db, { INBOX_RETENTION_DAYS: '30' });
    const a = new PurgeService(ds, config);
    const b = new PurgeService(ds, config);
    const [ra, rb] = await Promise.all([a.purgeOnce(now), b.purgeOnce(now)]);
    // Whatever the interleaving, every expired row is deleted exactly once between the two.
    const again = await a.purgeOnce(now);
    // The pass that held the lock went on batch after batch until nothing was left.
    expect(again).toEqual({ idempotencyKeys: 0, inboxRows: 0 });
    expect(ra.idempotencyKeys + rb.idempotencyKeys + again.idempotencyKeys).toBe(12000);
    expect(ra.inboxRows + rb.inboxRows + again.inboxRows).toBe(7000);
    expect(await count('idempotency_keys')).toBe(3);
    expect(
      (await ds.query(`SELECT message_id FROM es_inbox ORDER BY message_id`)).map(
        (r: { message_id: string }) => r.message_id,
      ),
    ).toEqual(['recent1', 'recent2']);
  });
});
