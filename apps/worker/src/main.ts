// Only the config and the tracing entry point are imported up front: tracing must start before
// the app's modules load `http` and `pg` (bootstrap is imported after it).
import { ConfigError, loadConfig, armShutdownWatchdog, startTracing, startWithRetry } from '@kefu/platform';

async function main(): Promise<void> {
  const config = loadConfig();
  await startTracing(config, 'kefu-worker');
  armShutdownWatchdog(config.shutdownGraceSeconds, 'kefu-worker');
  const { createWorker } = await import('./bootstrap');
  const app = await startWithRetry('kefu-worker', () => createWorker(config));
  await app.listen(config.workerPort, '0.0.0.0');
  const { Logger } = await import('@nestjs/common');
  new Logger('Worker').log(
    { queuePrefix: config.queuePrefix, port: config.workerPort },
    'worker started (/metrics, /health on its port)',
  );
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
  else
    process.stderr.write(
      `worker failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
  process.exit(1);
});
