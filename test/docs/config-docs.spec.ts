import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// STYLE.md: ".env.example documents every variable". This keeps the table of docs/configuration.md and .env.example
// in step with the schema in libs/platform/src/config/config.ts.
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

function schemaVariables(): string[] {
  const source = read('libs/platform/src/config/config.ts');
  const body = /z\s*\.object\(\{([\s\S]*?)\n\s*\}\)/.exec(source)?.[1];
  if (!body) throw new Error('could not find the z.object({...}) schema in config.ts');
  return [...body.matchAll(/^\s{4}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}

describe('configuration docs', () => {
  const vars = schemaVariables();

  it('finds the schema', () => {
    expect(vars).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'AUTH_JWT_SECRET', 'PII_MASTER_KEY']),
    );
  });

  it('docs/configuration.md has a table row for every variable', () => {
    // Rows as Prettier aligns them: `| \`NAME\`   | default | meaning |`.
    const rows = new Set(
      [...read('docs/configuration.md').matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]),
    );
    expect(vars.filter((v) => !rows.has(v))).toEqual([]);
  });

  it('.env.example sets every variable, and nothing else', () => {
    const example = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(vars.filter((v) => !example.includes(v))).toEqual([]);
    expect(example.filter((v) => !vars.includes(v))).toEqual([]);
  });
});
