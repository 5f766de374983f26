import { readFileSync } from 'node:fs';

/** Variables that may be given as `NAME_FILE=/run/secrets/…` instead of `NAME=…`. */
export const FILE_VARIABLES = ['AUTH_JWT_SECRET', 'PII_MASTER_KEY', 'DATABASE_PASSWORD'] as const;

/**
 * Reads `NAME_FILE` into `NAME` (Docker's convention, as in the postgres image): the file's content
 * without its trailing newline. Setting both is refused, as is an unreadable or empty file, so a
 * typo in a secret's path never falls back to a default.
 */
export function applySecretFiles(env: Record<string, string>): {
  env: Record<string, string>;
  problems: string[];
} {
  const out = { ...env };
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`];
    if (path === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    let value: string;
    try {
      value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}_FILE: cannot read ${path} (${code})`);
      continue;
    }
    if (value === '') problems.push(`${name}_FILE: ${path} is empty`);
    else out[name] = value;
  }
  return { env: out, problems };
}

/** DATABASE_URL with its password replaced by DATABASE_PASSWORD, when that is set. */
export function withDatabasePassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}
