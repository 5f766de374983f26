// Module boundaries, checked by `npm run lint` (depcruise apps libs migrations test bench). ESLint gives the
// editor-time version of the domain rule; this one sees resolved paths, so aliases cannot hide a
// dependency. See docs/adr and ../shared/design/ARCHITECTURE.md ("Module map").
const DOMAIN = '^libs/[^/]+/src/domain/';
// The shared domain kernel (@kefu/kernel): pure, imported by every lib, importing nothing of ours.
const KERNEL = '^libs/kernel/src/';
// The harness and builders of the pure domain specs (test code: only specs may import it).
const DOMAIN_FIXTURES = '^test/fixtures/domain/';
const TEST_FILE = '\\.(spec|int-spec|e2e-spec)\\.ts$';
// A lib's two entry points (ADR 0015): src/index.ts (its Nest side) and src/domain/index.ts (pure).
const ENTRY_POINT = '^libs/[^/]+/src/(domain/)?index\\.ts$';
// What Jest's globalSetup loads (see test/fixtures/database.ts): the one exception to the entry points.
const GLOBAL_SETUP = '^test/fixtures/database\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles make module initialisation order-dependent (and invite forwardRef). Break the cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-plain-typescript',
      severity: 'error',
      comment:
        "libs/*/src/domain/ may depend only on domain folders (its own or another lib's), the kernel and node " +
        'builtins (its specs also on the domain fixtures): no npm packages at all, not even @kefu/platform ' +
        '(its barrel drags NestJS in).',
      from: { path: DOMAIN },
      to: { pathNot: [DOMAIN, KERNEL, DOMAIN_FIXTURES], dependencyTypesNot: ['core'] },
    },
    {
      name: 'kernel-is-pure',
      severity: 'error',
      comment:
        'libs/kernel is the shared domain kernel every lib imports: plain TypeScript that depends on nothing ' +
        'but itself and node builtins (no npm package, no other lib, no test code).',
      from: { path: KERNEL },
      to: { pathNot: KERNEL, dependencyTypesNot: ['core'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      comment: 'apps/ wire libs together; a lib that reaches into an app inverts the dependency.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'platform-imports-no-other-lib',
      severity: 'error',
      comment:
        'libs/platform is the base every module builds on; it cannot know about them (only the kernel is below it).',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/', pathNot: ['^libs/platform/', KERNEL] },
    },
    {
      name: 'cross-lib-imports-use-aliases',
      severity: 'error',
      comment: 'Reach another lib through @kefu/<lib>, never by a relative ../../ path.',
      from: { path: '^libs/([^/]+)/' },
      // Aliased imports are typed 'aliased' *and* 'local'; a plain relative one only 'local'.
      to: { path: '^libs/', pathNot: '^libs/$1/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'libs-meet-at-entry-points',
      severity: 'error',
      comment:
        'Another lib is reached only through its entry points, @kefu/<lib> (src/index.ts) or @kefu/<lib>/domain ' +
        '(src/domain/index.ts): its other files are its own business. Export the name from the entry point (ADR 0015).',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', ENTRY_POINT] },
    },
    {
      name: 'outsiders-meet-libs-at-entry-points',
      severity: 'error',
      comment:
        'apps, tests, benchmarks and migrations reach a lib only through @kefu/<lib> or @kefu/<lib>/domain ' +
        '(ADR 0015).',
      from: { path: '^(apps|test|bench|migrations)/', pathNot: GLOBAL_SETUP },
      to: { path: '^libs/', pathNot: ENTRY_POINT },
    },
    {
      name: 'global-setup-reaches-config-only',
      severity: 'error',
      comment:
        "Jest's globalSetup (test/fixtures/database.ts) runs outside the module mapper and in the process of an " +
        "in-band run: it may read the platform's config and TypeORM options directly, and nothing else behind an index.",
      from: { path: GLOBAL_SETUP },
      to: {
        path: '^libs/',
        pathNot: [ENTRY_POINT, '^libs/platform/src/(config/config|database/typeorm-options)\\.ts$'],
      },
    },
    {
      name: 'apps-import-libs-by-alias',
      severity: 'error',
      comment: 'apps/ reach libs through @kefu/<lib>, never by a relative ../../ path.',
      from: { path: '^(apps|migrations)/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Shipped code may not import specs or test fixtures (they are not built or shipped).',
      from: { path: '^(apps|libs|migrations)/', pathNot: TEST_FILE },
      to: { path: [TEST_FILE, '^test/'] },
    },
    {
      name: 'no-dev-dependencies-at-runtime',
      severity: 'error',
      comment:
        'The Docker image runs after `npm prune --omit=dev`: shipped code may import devDependencies only as types.',
      from: { path: '^(apps|libs|migrations)/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve (a typo, or an alias missing from tsconfig.json paths).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The typed client is generated by a contract test at run time (absent from a fresh checkout).
    exclude: { path: '^(dist|dist-bench|coverage|test/contract/typed-client)/' },
    moduleSystems: ['cjs', 'es6'],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

module.exports = config;

// `node .dependency-cruiser.js [paths…]` (what `npm run lint` uses): dependency-cruiser 18's `depcruise`
// binary refuses Node < 22 outright, although its engine runs fine on the Node 20 of this project's
// machines. This calls the same CLI entry point without that gate. On Node >= 22, `npx depcruise
// apps libs migrations test bench --config .dependency-cruiser.js` is equivalent.
if (require.main === module) {
  const { join } = require('node:path');
  const { pathToFileURL } = require('node:url');
  const entry = pathToFileURL(join(__dirname, 'node_modules/dependency-cruiser/src/cli/index.mjs')).href;
  const args = process.argv.slice(2);
  import(entry)
    .then(({ default: cli }) =>
      cli(args.length ? args : ['apps', 'libs', 'migrations', 'test', 'bench'], {
        config: join(__dirname, '.dependency-cruiser.js'),
        outputType: 'err',
      }),
    )
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e) => {
      process.stderr.write(`dependency-cruiser failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    });
}
