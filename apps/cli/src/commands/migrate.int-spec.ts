import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateCommand, migrateDownCommand } from './migrate.command';

// `migrate` on a server where the database does not exist yet: it creates it, then migrates.
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('cli migrate (real Postgres)', () => {
  const name = `kefu_t_${Math.floor(Date.now() / 1000)}_cli${randomBytes(3).toString('hex')}`;
  const saved = process.env.DATABASE_URL;
  let out: jest.SpyInstance;

  beforeAll(() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    out.mockRestore();
    process.env.DATABASE_URL = saved;
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const printed = () => out.mock.calls.map((c: unknown[]) => String(c[0])).join('');

  it('creates the database, runs every migration, and is idempotent', async () => {
    await expect(migrateCommand.run([])).resolves.toBe(0);
    expect(printed()).toContain(`created database ${name}`);
    expect(printed()).toMatch(/migrated: EventStore\d+/);
    const tables = await admin<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1`, [
      name,
    ]);
    expect(tables).toHaveLength(1);

    out.mockClear();
    await expect(migrateCommand.run([])).resolves.toBe(0);
    expect(printed()).toContain('nothing to run');
  });

  it('reverts the last migration, and migrates it again', async () => {
    out.mockClear();
    await expect(migrateDownCommand.run([])).resolves.toBe(0);
    const reverted = /reverted: (\S+)/.exec(printed())?.[1];
    expect(reverted).toBeDefined();
    out.mockClear();
    await expect(migrateCommand.run([])).resolves.toBe(0);
    expect(printed()).toContain(`migrated: ${reverted}`);
  });
});
