// Mutation testing of the security-critical modules: `npm run mutate` (not part of `npm test` or CI).
// How to run, split and read it: docs/mutation.md.

// `npm run mutate -- --mutate <glob>` tests one group only. Stryker's incremental file holds the last run's files
// only, so each --mutate selection keeps its own file and reports (reports/mutation/<slug>/) and a partial run never
// discards the results of the full one (reports/mutation/all/).
const argv = process.argv;
const at = argv.findIndex((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));
const selection = at < 0 ? '' : argv[at].startsWith('--mutate=') ? argv[at].slice(9) : (argv[at + 1] ?? '');
const slug = selection ? selection.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) : 'all';
// CG_HOOKS_MUTATE_STATIC=1 tests the static mutants too (see ignoreStatic below). They switch on while a module
// loads, so the test set then runs isolated (vitest.mutate.config.ts reads the same variable). Reports kept apart.
const withStatic = process.env.CG_HOOKS_MUTATE_STATIC === '1';
const out = `reports/mutation/${withStatic ? 'static-' : ''}${slug}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/signing/**/*.ts',
    // Type-only and re-export modules: nothing runs in them.
    '!src/signing/types.ts',
    '!src/signing/schemes/types.ts',
    '!src/signing/index.ts',
    'src/http/inspect.ts',
    // The duplicate memory's ring and index (wave 13): a wrong probe would call a new delivery a duplicate.
    'src/http/dedup.ts',
    // How a body is read (wave 14: UTF-8 judged from the decoded text): a wrong verdict would accept bytes that are
    // not UTF-8 as a valid delivery.
    'src/http/inspect-body.ts',
    'src/core/capture*.ts',
    'src/core/paths.ts',
    'src/core/redact.ts',
    // What the network sent, made safe to show in --json output (bidi and C1 controls escaped).
    'src/core/json-text.ts',
    // The listener's schema check before zod's (wave 15): a wrong "true" would call an invalid payload valid.
    'src/core/assert-compile.ts',
    // The inspector's compact rows and their expansion (wave 17): what the network sent (paths, problems) written as
    // JSON bytes for the page; a wrong byte breaks the page's list or shows one delivery's fields on another.
    'src/ui/row-bytes.ts',
    'src/ui/row.ts',
  ],
  testRunner: 'vitest',
  // Only fast in-process tests: anything that spawns dist/ cannot see a mutant.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // A static mutant (code run while a module loads: scheme tables, constants) needs every test file re-run with
  // fresh modules: 1804 of them cost ~80% of a full run (many hours on two cores). They are left out of the score
  // here; CG_HOOKS_MUTATE_STATIC=1 with a narrow --mutate checks them for one file (docs/mutation.md).
  ignoreStatic: !withStatic,
  // Two cores shared with other work; `npm run mutate -- --concurrency 2` on a quiet machine.
  concurrency: 1,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/mutation.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // Generous: the machine is shared, and a slow honest run must not count as a timeout kill.
  timeoutMS: 30_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
