import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@kefu/platform';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.port, '0.0.0.0');
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
