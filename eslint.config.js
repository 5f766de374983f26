// Flat config (ESLint 10 + typescript-eslint 8, type-checked). `npm run lint` runs it with
// --max-warnings 0, then dependency-cruiser (.dependency-cruiser.js) for the module boundaries.
// test/lint/domain-rule.spec.ts proves the domain rule below still fires.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { defineConfig, globalIgnores } = require('eslint/config');

// Relative imports that leave their lib: `../../libs/x/...` (from apps, tests, bench) or
// `../../../platform/src/...` (from one lib into another). Use the @kefu/* aliases instead.
// Climbing inside one lib (`../../domain/ticket.events`) stays allowed, and so do relative imports
// of apps/ (they have no alias; e2e tests boot them).
const CROSS_LIB_RELATIVE = {
  regex: '^(\\.\\./)+libs(/|$)|^(\\.\\./)+[a-z0-9-]+/src(/|$)',
  message: 'Import other libs through their @kefu/* alias, never by a relative path.',
};

// Another lib only through its entry points (ADR 0015): @kefu/<lib> or @kefu/<lib>/domain, never a
// file behind them. dependency-cruiser's libs-meet-at-entry-points is the resolved-path version.
const DEEP_LIB_IMPORT = {
  regex: '^@kefu/(?!test-fixtures/domain$)[a-z0-9-]+/(?!domain$)',
  message:
    'Import @kefu/<lib> or @kefu/<lib>/domain, not a file behind them (export the name from the entry point).',
};

// domain/ is plain TypeScript: no framework, no I/O client. (dependency-cruiser also forbids every
// npm package there; this rule gives the fast feedback in the editor.)
const DOMAIN_FORBIDDEN = {
  group: [
    '@nestjs/*',
    'typeorm',
    'typeorm/*',
    'bullmq',
    'ioredis',
    'pg',
    'pg/*',
    'express',
    '@apollo/*',
    'graphql',
    'graphql/*',
  ],
  message:
    'Domain code is plain TypeScript: no NestJS, TypeORM, BullMQ, Redis, Postgres, HTTP or GraphQL here.',
};

// Other libs only through their pure entry points (@kefu/<lib>/domain): the lib barrels, including
// @kefu/platform's, re-export Nest modules.
const DOMAIN_ONLY_OTHER_DOMAINS = {
  regex: '^@kefu/(?!kernel$|[a-z0-9-]+/domain$)',
  message:
    'Domain code depends only on domain entry points and the kernel: import @kefu/kernel or @kefu/<lib>/domain, not a lib barrel.',
};

// The kernel (libs/kernel) imports nothing of ours: every lib, the platform included, imports it.
const KERNEL_IMPORTS_NOTHING_OF_OURS = {
  regex: '^@kefu/',
  message: 'The kernel is the bottom of the house: it imports no @kefu/* module.',
};

module.exports = defineConfig(
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'dist-bench/',
    'coverage/',
    'bench/results/',
    'jest.config.js',
    'eslint.config.js',
    '.dependency-cruiser.js',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: __dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Nest/Apollo/BullMQ interfaces want async methods that often have nothing to await; the
      // promise rules above catch the real mistakes.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest modules are empty decorated classes by design.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Typing raw query results with `as Row[]` is the house style for pg/TypeORM rows; this rule
      // (since 8.x) insists on `query<Row[]>()` instead and flags harmless casts. Not worth the churn.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'no-restricted-imports': ['error', { patterns: [CROSS_LIB_RELATIVE, DEEP_LIB_IMPORT] }],
    },
  },
  {
    files: ['libs/*/src/domain/**/*.ts'],
    rules: {
      // Flat config replaces (not merges) rule options, so the cross-lib pattern is repeated here.
      'no-restricted-imports': [
        'error',
        { patterns: [DOMAIN_FORBIDDEN, DOMAIN_ONLY_OTHER_DOMAINS, CROSS_LIB_RELATIVE] },
      ],
    },
  },
  {
    files: ['libs/kernel/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [DOMAIN_FORBIDDEN, KERNEL_IMPORTS_NOTHING_OF_OURS, CROSS_LIB_RELATIVE] },
      ],
    },
  },
  {
    // Jest's globalSetup runs outside the module mapper, so the fixtures reach libs relatively.
    files: ['test/fixtures/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests poke at untyped JSON (HTTP bodies, pg rows, GraphQL results): the unsafe-* family is
    // relaxed there. no-floating-promises stays on: an un-awaited expect is a test that cannot fail.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The typed partner client is type-checked by its own test, with tsc, against types generated
    // from the served /openapi.json (git-ignored, absent when lint runs in CI): lint it without
    // type information rather than against an unresolved import.
    files: ['test/contract/typed-client/**/*.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Command-line tools talk to a human on stdout/stderr.
    files: ['bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain JS config files (if any are linted) have no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
