// `cg-hooks/vitest`: `await expect(handler).toConform({ provider, secret })`, the conformance suite as a matcher.
// Importing this module registers the matcher (import it in a test file or a vitest setup file). vitest is an
// optional peer dependency used by this entry point only: `cg-hooks` and `cg-hooks/testing` never load it.
import { expect } from 'vitest';
import { conform, type ConformOptions } from './testing/conform.js';
import { describeReport } from './testing/describe.js';
import type { ConformTarget } from './testing/serve.js';

export interface ConformMatchers<R = unknown> {
  /**
   * Runs `cg-hooks test`'s conformance suite against the received URL, fetch-style handler, Node listener or
   * http.Server (served on 127.0.0.1 for the run). Fails listing every failed case with its hint. Await it.
   */
  toConform(options: ConformOptions): Promise<R>;
}

declare module 'vitest' {
  interface Assertion<T = any> extends ConformMatchers<void> {}
}

/**
 * The matcher itself, for `expect.extend({ toConform })` where this module's automatic registration does not
 * reach (another `expect` instance). Bad options and an unreachable URL throw, with or without `.not`.
 */
export async function toConform(this: { isNot?: boolean }, received: unknown, options: ConformOptions): Promise<{ pass: boolean; message: () => string }> {
  const report = await conform(received as ConformTarget, options);
  const text = describeReport(report);
  return {
    pass: report.ok,
    message: () => (this.isNot ? `expected the receiver not to conform, but it does: ${text}` : text),
  };
}

expect.extend({ toConform });
