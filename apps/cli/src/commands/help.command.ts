import { out } from '../io';
import { CommandSpec } from './types';

/** Prints the command list, or one command's usage. Gets the registry passed in (no import cycle). */
export function helpCommand(registry: () => Record<string, CommandSpec>): CommandSpec {
  return {
    summary: 'list the commands, or show how to call one: help <command>',
    usage: 'help [command]',
    run: (args) => {
      const commands = registry();
      const one = args[0] ? commands[args[0]] : undefined;
      if (one) {
        out(`usage: kefu ${one.usage ?? args[0]}\n\n${one.summary}`);
        return Promise.resolve(0);
      }
      const width = Math.max(...Object.keys(commands).map((n) => n.length));
      out('usage: node dist/apps/cli/src/main.js <command> [args]   (or: npm run cli -- <command> [args])\n');
      out('commands:');
      for (const [name, spec] of Object.entries(commands)) out(`  ${name.padEnd(width)}  ${spec.summary}`);
      out('\nConfiguration comes from the environment (see docs/configuration.md / .env.example).');
      return Promise.resolve(0);
    },
  };
}
