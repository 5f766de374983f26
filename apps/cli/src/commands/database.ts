import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@kefu/migrations';
import { AppConfig, typeOrmOptions, pgErrorCode } from '@kefu/platform';
import { out } from '../io';

/** SQLSTATE 3D000: the database named in the URL does not exist. */
const INVALID_CATALOG = '3D000';
/** SQLSTATE 42P04: CREATE DATABASE lost a race with another creator. */
const DUPLICATE_DATABASE = '42P04';

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the database named in DATABASE_URL when it does not exist yet (connecting to the `postgres`
 * database of the same server), so `npm start` works on a fresh machine. Returns true if it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return false;
  } catch (e) {
    if (pgErrorCode(e) !== INVALID_CATALOG) throw e;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    out(`created database ${name}`);
    return true;
  } catch (e) {
    if (pgErrorCode(e) === DUPLICATE_DATABASE) return false;
    throw e;
  } finally {
    await admin.end();
  }
}

/**
 * Runs fn with a migration DataSource, holding a session advisory lock on a side connection so
 * that two migrators (two containers starting at once) run one after the other, never interleaved.
 */
export async function withMigrationDataSource<T>(
  config: AppConfig,
  fn: (ds: DataSource) => Promise<T>,
): Promise<T> {
  const lock = new Client({ connectionString: config.databaseUrl, application_name: 'kefu-migrate' });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('kefu-migrations'))`);
    const ds = new DataSource(typeOrmOptions(config.with({ dbPoolSize: 2 }), { migrations: MIGRATIONS }));
    await ds.initialize();
    try {
      return await fn(ds);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.end();
  }
}
