// Setup for the `npm run mutate` test set (vitest.mutate.config.ts): property tests draw the same cases on every run,
// so a mutant is killed or survives the same way each time (incremental runs reuse earlier verdicts).
import fc from 'fast-check';
import { beforeEach } from 'vitest';
import { forgetMemos } from '../../src/signing/memo.js';

fc.configureGlobal({ seed: 20261128 });

// Profiles, keys and scheme choices are memoised per process (src/signing/memo.ts); the module graph is shared
// between test files here, so a mutant switched on for this test must not be hidden by a value memoised before it.
beforeEach(() => forgetMemos());
