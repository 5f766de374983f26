import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { UsageError } from '../io';
import { runApiKeyCommand } from './api-key.command';

describe('kefu api-key (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let stdout = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(() => {
    stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('creates a key whose secret verifies, lists it, revokes it', async () => {
    const config = testConfig(db);
    expect(await runApiKeyCommand(['create', '--channel', 'phone', '--name', 'Call centre'], config)).toBe(0);
    const id = /id:\s+(\S+)/.exec(stdout)?.[1] ?? '';
    const secret = /secret:\s+(\S+)/.exec(stdout)?.[1] ?? '';
    expect(secret).toMatch(/^kf_[0-9a-f]{12}_/);
    const keys = new ApiKeyService(ds);
    expect(await keys.verify(secret)).toMatchObject({ kind: 'partner', apiKeyId: id, channel: 'phone' });

    stdout = '';
    expect(await runApiKeyCommand(['list'], config)).toBe(0);
    expect(stdout).toContain(id);
    expect(stdout).not.toContain(secret);

    expect(await runApiKeyCommand(['revoke', id], config)).toBe(0);
    expect(stdout).toContain('revoked');
    expect(await keys.verify(secret)).toBeUndefined();
  });

  it('refuses bad arguments with usage errors', async () => {
    const config = testConfig(db);
    await expect(
      runApiKeyCommand(['create', '--channel', 'fax', '--name', 'x'], config),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(runApiKeyCommand(['create', '--name', 'x'], config)).rejects.toBeInstanceOf(UsageError);
    await expect(runApiKeyCommand(['rotate'], config)).rejects.toBeInstanceOf(UsageError);
    await expect(runApiKeyCommand(['revoke'], config)).rejects.toBeInstanceOf(UsageError);
  });
});
