import { apiKeyCommand } from './api-key.command';
import { helpCommand } from './help.command';
import { migrateCommand, migrateDownCommand } from './migrate.command';
import { projectionsCommand } from './projections.command';
import { seedCommand } from './seed.command';
import { startAllCommand } from './start-all.command';
import { tokenCommand } from './token.command';
import { Command, CommandSpec } from './types';

export type { Command, CommandSpec } from './types';

/** Every CLI command by name. Add one here (and give it a summary for `help`). */
export const COMMANDS: Record<string, CommandSpec> = {
  help: helpCommand(() => COMMANDS),
  migrate: migrateCommand,
  'migrate:down': migrateDownCommand,
  token: tokenCommand,
  'start-all': startAllCommand,
  projections: projectionsCommand,
  'api-key': apiKeyCommand,
  seed: seedCommand,
};

/** name → (args) => exit code. */
export function commandFor(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name].run : undefined;
}
