// Setup for the `npm run mutate` test set (vitest.mutate.config.ts): property tests draw the same cases on every run,
// so a mutant is killed or survives the same way each time (incremental runs reuse earlier verdicts).
import fc from 'fast-check';

fc.configureGlobal({ seed: 20261128 });
