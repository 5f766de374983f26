import { ConfigError } from '@kefu/platform';
import { COMMANDS, commandFor } from './commands';
import { UsageError, err } from './io';

/**
 * The Kefu command line: `node dist/apps/cli/src/main.js <command> [args]`. Exit codes: 0 ok,
 * 1 the command failed (message on stderr), 2 unknown command or bad arguments.
 */
export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  const run = commandFor(name);
  if (!run) {
    err(`unknown command: ${name}\n`);
    await COMMANDS.help.run([]);
    return 2;
  }
  try {
    return await run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${name}: ${e.message}\nusage: kefu ${COMMANDS[name].usage ?? name}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(e.message);
      return 1;
    }
    err(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      err(String(e));
      process.exitCode = 1;
    },
  );
}
