import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore, inTransaction, PiiVault } from '@kefu/platform';
import { WebhookSecretBox } from '@kefu/webhooks';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { UsageError } from '../io';
import { runPiiCommand } from './pii.command';

describe('kefu pii rotate-master-key (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(() => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('re-wraps data keys and re-seals webhook secrets under the new key; events unchanged', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldConfig = testConfig(db).with({ piiMasterKey: oldKey });
    const vault = new PiiVault(oldConfig, ds, new EventStore());
    const sealed = await inTransaction(ds, async (tx) =>
      (await vault.sealerFor(tx, 'cust-cli'))('Wang Fang'),
    );
    const endpointId = randomUUID();
    await ds.query(
      `INSERT INTO webhook_endpoints (id, channel, url, events, secret_ciphertext) VALUES ($1, 'phone', 'https://x.example', '{}', $2)`,
      [endpointId, new WebhookSecretBox(oldKey).seal('whsec_abc', endpointId)],
    );
    const eventsBefore = (await ds.query(
      `SELECT event_id, data FROM es_events ORDER BY global_position`,
    )) as unknown[];

    const file = join(mkdtempSync(join(tmpdir(), 'kefu-pii-')), 'new.key');
    writeFileSync(file, `${newKey.toString('base64')}\n`);
    expect(await runPiiCommand(['rotate-master-key', '--new-key-file', file], oldConfig)).toBe(0);

    const after = new PiiVault(testConfig(db).with({ piiMasterKey: newKey }), ds, new EventStore());
    expect(await after.reveal(sealed)).toBe('Wang Fang');
    const row = (await ds.query(`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1`, [
      endpointId,
    ])) as Array<{
      secret_ciphertext: string;
    }>;
    expect(new WebhookSecretBox(newKey).open(row[0].secret_ciphertext, endpointId)).toBe('whsec_abc');
    expect(await ds.query(`SELECT event_id, data FROM es_events ORDER BY global_position`)).toEqual(
      eventsBefore,
    );
  });

  it('refuses a missing or malformed new key, and unknown actions', async () => {
    const config = testConfig(db);
    await expect(runPiiCommand(['rotate-master-key'], config)).rejects.toBeInstanceOf(UsageError);
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-pii-')), 'short.key');
    writeFileSync(file, randomBytes(16).toString('base64'));
    await expect(runPiiCommand(['rotate-master-key', '--new-key-file', file], config)).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(runPiiCommand(['shred'], config)).rejects.toBeInstanceOf(UsageError);
  });
});
