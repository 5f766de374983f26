/** A CLI command: gets the arguments after its name, resolves to the process exit code. */
export type Command = (args: string[]) => Promise<number>;

export interface CommandSpec {
  run: Command;
  /** One line for `help`. */
  summary: string;
  /** Arguments, shown by `help <command>` and after a usage error. */
  usage?: string;
}
