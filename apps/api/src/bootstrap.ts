import { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig, configureHttpApp } from '@kefu/platform';
import { AppModule } from './app.module';
import { mountQueueDashboard } from './queue-dashboard';

/** The API application, configured but not listening: main.ts listens, e2e tests use listen(0). */
export async function createApiApp(
  config: AppConfig,
  extraImports: NonNullable<ModuleMetadata['imports']> = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, extraImports), {
    bufferLogs: true,
    bodyParser: false, // configureHttpApp registers the parsers with the 1 MiB limit
    abortOnError: false, // throw instead of process.exit, so callers can report and tests can fail
  });
  app.useLogger(app.get(Logger));
  configureHttpApp(app, config);
  mountQueueDashboard(app, config);
  return app;
}
