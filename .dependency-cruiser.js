// Module boundaries, checked by `npm run lint` (depcruise apps libs migrations). ESLint gives the
// editor-time version of the domain rule; this one sees resolved paths, so aliases cannot hide a
// dependency. See docs/adr and ../shared/design/ARCHITECTURE.md ("Module map").
const DOMAIN = '^libs/[^/]+/src/domain/';
const TEST_FILE = '\\.(spec|int-spec|e2e-spec)\\.ts$';

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
        "libs/*/src/domain/ may depend only on domain folders (its own or another lib's) and node builtins: " +
        'no npm packages at all, not even @kefu/platform (its barrel drags NestJS in).',
      from: { path: DOMAIN },
      to: { pathNot: DOMAIN, dependencyTypesNot: ['core'] },
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
      comment: 'libs/platform is the base every module builds on; it cannot know about them.',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/', pathNot: '^libs/platform/' },
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
    exclude: { path: '^(dist|dist-bench|coverage)/' },
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
// apps libs migrations --config .dependency-cruiser.js` is equivalent.
if (require.main === module) {
  const { join } = require('node:path');
  const { pathToFileURL } = require('node:url');
  const entry = pathToFileURL(join(__dirname, 'node_modules/dependency-cruiser/src/cli/index.mjs')).href;
  const args = process.argv.slice(2);
  import(entry)
    .then(({ default: cli }) =>
      cli(args.length ? args : ['apps', 'libs', 'migrations'], {
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
