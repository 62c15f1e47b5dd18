/**
 * The layering of DESIGN.md ("Layout", "Dependency rule"), checked by `npm run check:architecture`
 * (dependency-cruiser) in CI: imports point inward, the kernel knows no face, no face knows
 * another, handlers reach no storage, the core knows no framework or storage engine, and the
 * product imports nothing from its tests. test/architecture/rules.test.ts proves each rule bites.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kernel-knows-no-face',
      comment: 'The kernel decides identity rules once for every face; it must not depend on any of them.',
      severity: 'error',
      from: { path: '^core/kernel/' },
      to: { path: '^core/faces/' },
    },
    {
      name: 'face-knows-no-other-face',
      comment: 'What one face needs from another is a kernel capability, never an import between faces.',
      severity: 'error',
      from: { path: '^(core/faces|handlers|server/faces)/([^/]+)/' },
      to: { path: '^(core/faces|handlers|server/faces)/[^/]+/', pathNot: '^(core/faces|handlers|server/faces)/$2/' },
    },
    {
      name: 'handlers-reach-no-storage',
      comment: 'Handlers are thin: parse, call their face rules, shape the reply. Storage is the rules\' business.',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: ['^db/', '^core/kernel/ports\\.ts$', '^core/kernel/unit\\.ts$', '^core/faces/[^/]+/ports\\.ts$', '(^|/)node_modules/(knex|mysql2|better-sqlite3)/'] },
    },
    {
      name: 'core-knows-no-framework',
      comment: 'core/ is framework-free and knows no HTTP or SQL: the identity rules are tested without either.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: ['^(server|db|handlers|scripts)/', '(^|/)node_modules/(express|express-openapi-validator|cookie-parser|knex|mysql2|better-sqlite3|pino|pino-http|prom-client)/'] },
    },
    {
      name: 'db-knows-no-server',
      comment: 'db/ implements the storage ports the core declares; it knows nothing of HTTP or the faces\' handlers.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(server|handlers)/' },
    },
    {
      name: 'product-imports-no-tests',
      comment: 'Production code (and the benchmark) must run without the test folder.',
      severity: 'error',
      from: { path: '^(core|db|handlers|server|scripts|packages)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(generated|node_modules|dist|packages/sdk/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
