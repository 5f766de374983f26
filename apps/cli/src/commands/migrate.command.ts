import { loadConfig } from '@kefu/platform';
import { out } from '../io';
import { CommandSpec } from './types';
import { ensureDatabase, withMigrationDataSource } from './database';

export const migrateCommand: CommandSpec = {
  summary: 'create the database if needed and run every pending migration (one transaction each)',
  usage: 'migrate',
  run: async () => {
    const config = loadConfig();
    await ensureDatabase(config.databaseUrl);
    const ran = await withMigrationDataSource(config, (ds) => ds.runMigrations({ transaction: 'each' }));
    if (ran.length === 0) out('migrations: nothing to run, the schema is up to date');
    for (const m of ran) out(`migrated: ${m.name}`);
    return 0;
  },
};

export const migrateDownCommand: CommandSpec = {
  summary: 'revert the most recent migration',
  usage: 'migrate:down',
  run: async () => {
    const config = loadConfig();
    return withMigrationDataSource(config, async (ds) => {
      const table = ds.driver.escape(ds.options.migrationsTableName ?? 'migrations');
      const exists = (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table])) as Array<{
        ok: boolean;
      }>;
      const last = exists[0]?.ok
        ? ((await ds.query(`SELECT name FROM ${table} ORDER BY id DESC LIMIT 1`)) as Array<{ name: string }>)
        : [];
      if (last.length === 0) {
        out('migrations: nothing to revert');
        return 0;
      }
      await ds.undoLastMigration({ transaction: 'each' });
      out(`reverted: ${last[0].name}`);
      return 0;
    });
  },
};
