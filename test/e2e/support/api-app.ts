import { ModuleMetadata } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Server } from 'node:http';
import { AppConfig, JwtService, TokenClaims } from '@kefu/platform';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { createApiApp } from '../../../apps/api/src/bootstrap';

export interface ApiTestApp {
  app: NestExpressApplication;
  server: Server;
  db: TestDatabase;
  config: AppConfig;
  /** `Bearer <token>` for the given claims, signed with the app's secret. */
  bearer(claims: TokenClaims): string;
  close(): Promise<void>;
}

/** Boots the real API on its own database, listening on a free port (e2e suites). */
export async function startApiApp(
  opts: {
    env?: Record<string, string>;
    imports?: NonNullable<ModuleMetadata['imports']>;
    db?: TestDatabase;
  } = {},
): Promise<ApiTestApp> {
  const db = opts.db ?? (await createTestDatabase());
  const config = testConfig(db, opts.env);
  const app = await createApiApp(config, opts.imports ?? []);
  await app.listen(0, '127.0.0.1');
  const jwt = app.get(JwtService);
  return {
    app,
    server: app.getHttpServer() as Server,
    db,
    config,
    bearer: (claims) => `Bearer ${jwt.sign(claims)}`,
    close: async () => {
      await app.close();
      if (!opts.db) await db.drop();
    },
  };
}
