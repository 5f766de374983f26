import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';

/** One place for the Postgres connection settings. synchronize is off: migrations own the schema. */
export function typeOrmOptions(
  config: AppConfig,
  extra: Partial<Pick<DataSourceOptions, 'entities' | 'migrations'>> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    logging: false,
    entities: [],
    ...extra,
    extra: {
      max: config.dbPoolSize,
      application_name: 'kefu',
      // Nothing in a request should hold a connection for long.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  } as DataSourceOptions;
}
