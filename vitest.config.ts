import { defineConfig } from 'vitest/config';

// Files that replace a module (vi.mock) or set process.env for the code under test need a module graph and a
// process of their own; every other file shares its worker's loaded modules (isolate: false). A fresh process and
// module graph per file was a third of the CPU of a small file, and the suite is CPU-bound on two cores.
const ISOLATED = [
  'test/credentials.compare.test.ts',
  'test/capture-store.mutants.test.ts',
  'test/signing-api-hotpath.mutants.test.ts',
  'test/ed25519-faults.mutants.test.ts',
  'test/testing.frameworks.test.ts',
  'test/testing-examples/next/route.test.ts',
  'test/artillery.processor.test.ts',
  // Module state of src/output/stdout.ts (whether process.stdout was made, a failure seen) is what these check.
  'test/mutants.test.ts',
  'test/stdout.test.ts',
];

export default defineConfig({
  test: {
    // e2e tests spawn the built CLI and real servers; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line that any CI log reader understands.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ISOLATED,
          isolate: false,
          // Memos (src/signing/memo.ts) emptied before each file, as a file of its own would start.
          setupFiles: ['test/helpers/shared-setup.ts'],
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
