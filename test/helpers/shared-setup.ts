// Setup for the test files that share a worker's loaded modules (vitest.config.ts, project "shared"): each file
// starts with the memos an isolated file would start with, so no file sees what an earlier one memoised.
import { beforeAll } from 'vitest';
import { forgetMemos } from '../../src/signing/memo.js';

beforeAll(() => forgetMemos());
