// Only the config and the tracing entry point are imported up front: tracing must start before
// the app's modules load `http` and `pg` (bootstrap is imported after it).
import {
  ConfigError,
  armShutdownWatchdog,
  initOrClose,
  loadConfig,
  startTracing,
  startWithRetry,
} from '@kefu/platform';

async function main(): Promise<void> {
  const config = loadConfig();
  await startTracing(config, 'kefu-api');
  armShutdownWatchdog(config.shutdownGraceSeconds, 'kefu-api');
  const { createApiApp } = await import('./bootstrap');
  const app = await startWithRetry('kefu-api', async () => initOrClose(await createApiApp(config)));
  await app.listen(config.port, '0.0.0.0');
  const { Logger } = await import('@nestjs/common');
  new Logger('Main').log(
    `Kefu API listening on http://0.0.0.0:${config.port} (GraphQL /graphql, docs /docs)`,
  );
}

main().catch((e: unknown) => {
  // Config problems are the operator's to fix: say what is wrong, without a stack trace.
  if (e instanceof ConfigError) {
    process.stderr.write(`kefu-api: ${e.message}\n`);
  } else {
    process.stderr.write(
      `kefu-api: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
  }
  process.exit(1);
});
