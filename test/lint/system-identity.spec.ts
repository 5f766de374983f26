import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// Kefu acts under one identity (the kernel's SYSTEM): a second hand-made system actor or service
// principal would record the worker's events under another name and dodge the deciders' system rules.
const root = join(__dirname, '..', '..');
const HOME = 'libs/kernel/src/actor.ts';
// An object literal that makes up a system identity: `{ role: 'system', id: … }`, `{ kind: 'system', id: '…' }`,
// or a service principal with a made-up subject.
const MADE_UP = [/role:\s*'system',\s*id:/, /kind:\s*'system',\s*id:\s*'[^']/, /sub:\s*'kefu-/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(e.name) ? [path] : [];
  });
}

export function madeUpSystemIdentities(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const name = relative(root, file);
    if (name === HOME) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        MADE_UP.some((re) => re.test(line)) ? [`${name}:${i + 1}: ${line.trim()}`] : [],
      );
  });
}

describe('one system identity', () => {
  it('is declared in the kernel only', () => {
    const files = [...sources(join(root, 'libs')), ...sources(join(root, 'apps'))];
    expect(files.length).toBeGreaterThan(100);
    expect(madeUpSystemIdentities(files)).toEqual([]);
  });

  it('would catch a module making up its own', () => {
    expect(
      MADE_UP.filter((re) => re.test(`const SYSTEM_ACTOR: Actor = { role: 'system', id: 'kefu-worker' };`)),
    ).toHaveLength(1);
    expect(MADE_UP.some((re) => re.test(`  sub: 'kefu-feedback',`))).toBe(true);
    expect(
      MADE_UP.some((re) => re.test(`export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'kefu' };`)),
    ).toBe(true);
  });
});
