/** Human output on stdout, problems on stderr. The CLI has no logger: it talks to a person. */
export function out(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Bad arguments: main prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
