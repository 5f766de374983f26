import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { EventStore } from '../event-store/event-store';
import { inTransaction } from '../event-store/tx';
import { ERASED } from './pii-crypto';
import { CUSTOMER_DATA_ERASED, PiiVault, piiSubjectStreamId, rotatePiiMasterKey } from './pii-vault';

describe('PiiVault (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new EventStore();
  // One master key for the file: a data key wrapped by another would (rightly) be refused by rotation.
  const master = randomBytes(32);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const vaultWith = (masterKey: Buffer) =>
    new PiiVault(testConfig(db).with({ piiMasterKey: masterKey }), ds, store);
  const sealFor = (vault: PiiVault, subject: string, clear: string) =>
    inTransaction(ds, async (tx) => (await vault.sealerFor(tx, subject))(clear));

  it('creates one data key per customer and reveals sealed values in any payload', async () => {
    const vault = vaultWith(master);
    const a = await sealFor(vault, 'cust-a', 'Alice Smith');
    const b = await sealFor(vault, 'cust-b', 'Bob Jones');
    const a2 = await sealFor(vault, 'cust-a', 'alice@example.com');
    const keys = (await ds.query(
      `SELECT subject_id, generation, wrapped_key FROM pii_data_keys WHERE subject_id IN ('cust-a','cust-b') ORDER BY 1`,
    )) as Array<{ subject_id: string; generation: number; wrapped_key: string }>;
    expect(keys.map((k) => [k.subject_id, k.generation])).toEqual([
      ['cust-a', 1],
      ['cust-b', 1],
    ]);
    expect(JSON.stringify(keys)).not.toContain('Alice');
    expect(await vault.reveal({ name: a, nested: [{ email: a2 }], other: b, n: 1 })).toEqual({
      name: 'Alice Smith',
      nested: [{ email: 'alice@example.com' }],
      other: 'Bob Jones',
      n: 1,
    });
  });

  it('a rolled-back transaction leaves no data key behind', async () => {
    const vault = vaultWith(master);
    await expect(
      inTransaction(ds, async (tx) => {
        await vault.sealerFor(tx, 'cust-rollback');
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    const rows = (await ds.query(
      `SELECT 1 FROM pii_data_keys WHERE subject_id = 'cust-rollback'`,
    )) as unknown[];
    expect(rows).toHaveLength(0);
  });

  it('forget destroys the keys, records the erasure as an event, and old values read as erased', async () => {
    const vault = vaultWith(master);
    const sealed = await sealFor(vault, 'cust-f', 'Fiona Doe');
    const other = await sealFor(vault, 'cust-g', 'George');
    const erased = await vault.forgetNow('cust-f', { kind: 'agent', id: 'admin-1', role: 'admin' });
    expect(erased).toMatchObject({
      customerId: 'cust-f',
      keysDestroyed: 1,
      erasedBy: { kind: 'agent', id: 'admin-1' },
    });
    expect(await vault.reveal({ name: sealed, other })).toEqual({ name: ERASED, other: 'George' });
    const events = await inTransaction(ds, (tx) => store.readStream(tx, piiSubjectStreamId('cust-f')));
    expect(events.map((e) => e.type)).toEqual([CUSTOMER_DATA_ERASED]);
    expect(JSON.stringify(events[0].data)).not.toContain('Fiona');

    // A returning customer gets a new key generation: new data readable, the old stays erased.
    const again = await sealFor(vault, 'cust-f', 'Fiona New');
    expect(await vault.reveal([sealed, again])).toEqual([ERASED, 'Fiona New']);
  });

  it('rotating the master key re-wraps data keys without touching sealed values', async () => {
    const oldKey = master;
    const newKey = randomBytes(32);
    const before = vaultWith(oldKey);
    const sealed = await sealFor(before, 'cust-r', 'Rita Rotate');
    await sealFor(before, 'cust-r2', 'x');
    await before.forgetNow('cust-r2', undefined);
    const eventsBefore = (await ds.query(`SELECT count(*)::int AS n FROM es_events`)) as Array<{ n: number }>;

    const r = await inTransaction(ds, (tx) => rotatePiiMasterKey(tx, oldKey, newKey));
    expect(r.rewrapped).toBeGreaterThanOrEqual(1);
    // Re-running is harmless.
    const again = await inTransaction(ds, (tx) => rotatePiiMasterKey(tx, oldKey, newKey));
    expect(again.rewrapped).toBe(0);

    const after = vaultWith(newKey);
    expect(await after.reveal(sealed)).toBe('Rita Rotate');
    // The old master no longer opens anything, and says why instead of reading as erased.
    await expect(vaultWith(oldKey).reveal(sealed)).rejects.toThrow(/rotation/);
    const eventsAfter = (await ds.query(`SELECT count(*)::int AS n FROM es_events`)) as Array<{ n: number }>;
    expect(eventsAfter[0].n).toBe(eventsBefore[0].n);
    // Destroyed keys stay destroyed.
    const destroyed = (await ds.query(
      `SELECT wrapped_key FROM pii_data_keys WHERE subject_id = 'cust-r2'`,
    )) as Array<{ wrapped_key: string | null }>;
    expect(destroyed[0].wrapped_key).toBeNull();
  });
});
