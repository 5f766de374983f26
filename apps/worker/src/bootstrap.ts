import { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppConfig, initOrClose } from '@kefu/platform';
import { WorkerModule } from './worker.module';

/**
 * Creates the worker, initialised but not listening: main.ts listens on WORKER_PORT, where the
 * worker serves only /metrics and /health/*. Shutdown hooks drain jobs and consumers first.
 */
export async function createWorker(
  config: AppConfig,
  extraImports: NonNullable<ModuleMetadata['imports']> = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(WorkerModule.forRoot(config, extraImports), {
    bufferLogs: true,
    bodyParser: false, // no route takes a body
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return initOrClose(app);
}
