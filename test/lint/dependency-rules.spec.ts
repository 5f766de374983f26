import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Proves the dependency-cruiser rules of .dependency-cruiser.js fire, on a throw-away tree that
// breaks each of them once (the real repository must stay clean, so it cannot host the probes).
const root = join(__dirname, '..', '..');

const PROBES: Record<string, string> = {
  'libs/x/src/domain/bad.ts': [
    `import { Injectable } from '@nestjs/common';`,
    `import { loadConfig } from '../../../platform/src/config';`,
    `import { ok } from './ok';`,
    `import { y } from '@kefu/y/domain';`,
    `import { randomUUID } from 'node:crypto';`,
    `import { k } from '@kefu/kernel';`,
    `export const bad = [Injectable, loadConfig, ok, y, randomUUID, k];`,
  ].join('\n'),
  'libs/kernel/src/index.ts': `export const k = 1;`,
  'libs/kernel/src/bad.ts': [
    `import { Injectable } from '@nestjs/common';`,
    `import { p } from '@kefu/platform';`,
    `import { f } from '../../../test/fixtures/f';`,
    `import { k } from './index';`,
    `import { randomUUID } from 'node:crypto';`,
    `export const kernelBad = [Injectable, p, f, k, randomUUID];`,
  ].join('\n'),
  'libs/x/src/domain/ok.ts': `export const ok = 1;`,
  'libs/y/src/domain/y.ts': `export const y = 1;`,
  'libs/y/src/domain/index.ts': `export * from './y';`,
  'libs/y/src/index.ts': `export * from './domain';\nexport const yService = 1;`,
  // Past the entry points: a file behind another lib's index, by alias (the resolved path counts).
  'libs/x/src/deep.ts': [
    `import { y } from '@kefu/y/domain/y';`,
    `import { yService } from '@kefu/y';`,
    `export const deep = [y, yService];`,
  ].join('\n'),
  'test/e2e/deep.e2e-spec.ts': [
    `import { y } from '@kefu/y/domain/y';`,
    `import { yService } from '@kefu/y';`,
    `import { x } from '@kefu/x';`,
    `export const probe = [y, yService, x];`,
  ].join('\n'),
  'bench/run.ts': `import { y } from '@kefu/y/domain/y';\nimport { y as y2 } from '@kefu/y/domain';\nexport const b = [y, y2];`,
  'libs/platform/src/config.ts': `import { k } from '@kefu/kernel';\nexport const loadConfig = k;`,
  'libs/platform/src/index.ts': `import { x } from '@kefu/x';\nexport const p = x;`,
  'libs/x/src/index.ts': `import { app } from '../../../apps/api/src/main';\nimport { b } from './b';\nexport const x = [app, b];`,
  'libs/x/src/b.ts': `import { c } from './c';\nexport const b = c;`,
  'libs/x/src/c.ts': `import { b } from './b';\nexport const c = 1;\nexport const cb = () => b;`,
  'apps/api/src/main.ts': [
    `import { x } from '../../../libs/x/src/index';`,
    `import { p } from '@kefu/platform';`,
    `import { Test } from '@nestjs/testing';`,
    `import type { TestingModule } from '@nestjs/testing';`,
    `import { f } from '../../../test/fixtures/f';`,
    `export const app = [x, p, Test, f] as unknown as TestingModule;`,
  ].join('\n'),
  'test/fixtures/f.ts': `export const f = 1;`,
  // Jest's globalSetup: the platform's config and TypeORM options directly, nothing else.
  'libs/platform/src/config/config.ts': `export const config = 1;`,
  'libs/platform/src/database/typeorm-options.ts': `export const typeOrmOptions = 1;`,
  'libs/platform/src/secret.ts': `export const secret = 1;`,
  'test/fixtures/database.ts': [
    `import { config } from '../../libs/platform/src/config/config';`,
    `import { typeOrmOptions } from '../../libs/platform/src/database/typeorm-options';`,
    `import { secret } from '../../libs/platform/src/secret';`,
    `export const db = [config, typeOrmOptions, secret];`,
  ].join('\n'),
  'migrations/index.ts': `export const MIGRATIONS = [];`,
};

describe('dependency-cruiser rules', () => {
  let dir: string;
  let output: string;
  let status: number | null;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-depcruise-'));
    for (const [file, code] of Object.entries(PROBES)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), `${code}\n`);
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(root, '.dependency-cruiser.js'), join(dir, '.dependency-cruiser.js'));
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]>; tsBuildInfoFile?: string };
    };
    tsconfig.compilerOptions.paths = {
      '@kefu/kernel': ['./libs/kernel/src/index.ts'],
      '@kefu/platform': ['./libs/platform/src/index.ts'],
      '@kefu/x': ['./libs/x/src/index.ts'],
      '@kefu/y': ['./libs/y/src/index.ts'],
      '@kefu/y/domain': ['./libs/y/src/domain/index.ts'],
      // A leftover wildcard: the deep imports resolve, so only the entry-point rules can refuse them.
      '@kefu/y/*': ['./libs/y/src/*'],
    };
    delete tsconfig.compilerOptions.tsBuildInfoFile;
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const run = spawnSync(process.execPath, ['.dependency-cruiser.js'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    // eslint-disable-next-line no-control-regex
    output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    status = run.status;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const violation = (rule: string, from: string, to: string) =>
    new RegExp(`error ${rule}: ${from.replace(/\./g, '\\.')} →\\s+\\S*${to.replace(/\./g, '\\.')}`);

  it('fails the run', () => {
    expect(status).not.toBe(0);
  });

  it.each([
    ['domain-is-plain-typescript', 'libs/x/src/domain/bad.ts', 'node_modules/@nestjs/common/index.js'],
    ['domain-is-plain-typescript', 'libs/x/src/domain/bad.ts', 'libs/platform/src/config.ts'],
    ['cross-lib-imports-use-aliases', 'libs/x/src/domain/bad.ts', 'libs/platform/src/config.ts'],
    ['platform-imports-no-other-lib', 'libs/platform/src/index.ts', 'libs/x/src/index.ts'],
    ['libs-do-not-import-apps', 'libs/x/src/index.ts', 'apps/api/src/main.ts'],
    ['apps-import-libs-by-alias', 'apps/api/src/main.ts', 'libs/x/src/index.ts'],
    ['no-test-code-in-production', 'apps/api/src/main.ts', 'test/fixtures/f.ts'],
    ['no-dev-dependencies-at-runtime', 'apps/api/src/main.ts', 'node_modules/@nestjs/testing/index.js'],
    ['no-circular', 'libs/x/src/b.ts', 'libs/x/src/c.ts'],
    ['kernel-is-pure', 'libs/kernel/src/bad.ts', 'node_modules/@nestjs/common/index.js'],
    ['kernel-is-pure', 'libs/kernel/src/bad.ts', 'libs/platform/src/index.ts'],
    ['kernel-is-pure', 'libs/kernel/src/bad.ts', 'test/fixtures/f.ts'],
    ['libs-meet-at-entry-points', 'libs/x/src/deep.ts', 'libs/y/src/domain/y.ts'],
    ['libs-meet-at-entry-points', 'libs/x/src/domain/bad.ts', 'libs/platform/src/config.ts'],
    ['outsiders-meet-libs-at-entry-points', 'test/e2e/deep.e2e-spec.ts', 'libs/y/src/domain/y.ts'],
    ['outsiders-meet-libs-at-entry-points', 'bench/run.ts', 'libs/y/src/domain/y.ts'],
    ['global-setup-reaches-config-only', 'test/fixtures/database.ts', 'libs/platform/src/secret.ts'],
  ])('%s: %s → %s', (rule, from, to) => {
    expect(output).toMatch(violation(rule, from, to));
  });

  it('allows a domain folder its own files, builtins and other domain folders', () => {
    expect(output).not.toMatch(
      /domain\/bad\.ts → (libs\/x\/src\/domain\/ok\.ts|libs\/y\/src\/domain\/(index|y)\.ts|node:crypto|crypto)/,
    );
  });

  it('allows the entry points: @kefu/<lib> and @kefu/<lib>/domain, from libs, tests and benchmarks', () => {
    expect(output).not.toMatch(
      /meet-(libs-)?at-entry-points: \S+ →\s+\S*libs\/(x|y)\/src\/(domain\/)?index\.ts/,
    );
    expect(output.match(/libs-meet-at-entry-points/g)).toHaveLength(2);
    expect(output.match(/outsiders-meet-libs-at-entry-points/g)).toHaveLength(2);
  });

  it("allows Jest's globalSetup the platform's config and TypeORM options, and only those", () => {
    expect(output).not.toMatch(
      /test\/fixtures\/database\.ts →\s+\S*libs\/platform\/src\/(config|database)\//,
    );
    expect(output.match(/global-setup-reaches-config-only/g)).toHaveLength(1);
  });

  it('allows the kernel its own files and builtins', () => {
    expect(output).not.toMatch(/kernel\/src\/bad\.ts → (libs\/kernel\/src\/index\.ts|node:crypto|crypto)/);
  });

  it('allows every lib, the platform and domain folders included, to import the kernel', () => {
    expect(output).not.toMatch(/: libs\/(platform|x)\/src\/\S+ →\s+\S*libs\/kernel\//);
  });

  it('allows aliased imports of libs from apps', () => {
    expect(output).not.toMatch(/apps-import-libs-by-alias: apps\/api\/src\/main\.ts → libs\/platform/);
  });

  it('allows type-only imports of dev dependencies', () => {
    expect(output.match(/no-dev-dependencies-at-runtime/g)).toHaveLength(1);
  });
});
