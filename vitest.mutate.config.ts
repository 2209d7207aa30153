import { defineConfig } from 'vitest/config';

// The test set for `npm run mutate` (stryker.config.mjs): only fast, in-process unit and property tests of the
// mutated modules. Tests that spawn the built CLI or a listener cannot see Stryker's mutated sources (they run
// dist/), so they would only cost time here; they stay in the ordinary `npm test`.
const shared = {
  // Files that mix in-process tests with CLI ones skip the CLI ones here. Property tests draw fewer cases (each
  // surviving mutant re-runs every test that covers it), from a fixed seed (test/helpers/mutate-setup.ts).
  env: { CG_HOOKS_IN_PROCESS_ONLY: '1', PROPERTY_RUNS: '50' },
  setupFiles: ['test/helpers/mutate-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

// Tests that replace a module (vi.mock) need a module graph of their own.
const ISOLATED = ['test/credentials.compare.test.ts', 'test/capture-store.mutants.test.ts', 'test/signing-api-hotpath.mutants.test.ts', 'test/ed25519-faults.mutants.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: [
            'test/signing.*.test.ts',
            'test/*.mutants.test.ts',
            'test/mutants.test.ts',
            'test/property.signing.test.ts',
            'test/property.explain.test.ts',
            'test/property.capture.test.ts',
            'test/schemes.registry.test.ts',
            'test/oracles.signing.test.ts',
            'test/oracles.header-variants.test.ts',
            'test/standardwebhooks.crosscheck.test.ts',
            'test/standardwebhooks.header-sets.test.ts',
            'test/capture.test.ts',
            'test/capture-store.test.ts',
            'test/paths.test.ts',
            'test/redact.test.ts',
            'test/json-text.test.ts',
            'test/hmac-pads.test.ts',
            'test/listen-inspect.test.ts',
            'test/listen-parts.test.ts',
            'test/listen-bookkeeping.test.ts',
            'test/listen-body-read.test.ts',
            'test/assert-compile.test.ts',
            'test/ui-parts.test.ts',
            'test/ui-store.test.ts',
          ],
          exclude: ISOLATED,
          // Stryker switches mutants on at run time (a global read on every call), so test files can share loaded
          // modules: importing the library once per worker instead of once per file is most of the run's time.
          // Not for static mutants (CG_HOOKS_MUTATE_STATIC=1): those act while a module loads, so modules stay fresh.
          isolate: process.env.CG_HOOKS_MUTATE_STATIC === '1',
        },
      },
      { test: { ...shared, name: 'isolated', include: ISOLATED } },
    ],
  },
});
