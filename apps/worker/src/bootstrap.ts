import { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppConfig } from '@kefu/platform';
import { WorkerModule } from './worker.module';

/** Creates the worker (no HTTP server). Shutdown hooks close processors and consumers cleanly. */
export async function createWorker(
  config: AppConfig,
  extraImports: NonNullable<ModuleMetadata['imports']> = [],
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, extraImports), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
