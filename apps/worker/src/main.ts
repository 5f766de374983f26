import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@kefu/platform';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  await createWorker(config);
  new Logger('Worker').log({ queuePrefix: config.queuePrefix }, 'worker started');
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
  else
    process.stderr.write(
      `worker failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
  process.exit(1);
});
