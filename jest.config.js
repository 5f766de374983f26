// One Jest config for every tier: *.spec.ts (pure, fast), *.int-spec.ts (real Postgres/Redis),
// *.e2e-spec.ts (the booted app over HTTP and GraphQL). Each test file gets its own database and
// queue prefix (test/fixtures), so files run in parallel.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.{spec,int-spec,e2e-spec}.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    '^@kefu/migrations$': '<rootDir>/migrations/index.ts',
    '^@kefu/test-fixtures$': '<rootDir>/test/fixtures/index.ts',
    '^@kefu/test-fixtures/domain$': '<rootDir>/test/fixtures/domain/index.ts',
    // A lib's two entry points (ADR 0015): its Nest side and its pure domain. Nothing deeper.
    '^@kefu/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@kefu/([a-z-]+)/domain$': '<rootDir>/libs/$1/src/domain/index.ts',
  },
  globalSetup: '<rootDir>/test/fixtures/global-setup.ts',
  setupFiles: ['<rootDir>/test/fixtures/setup-env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
