// Signing memoises what it derives from a provider's spec or a secret (HMAC profiles, key objects, scheme choices):
// a receiver verifies with the same few on every request. Mutation testing switches mutants on and off between tests
// inside one process, so a value memoised under one mutant would hide the next; it empties these memos before each
// test (test/helpers/mutate-setup.ts). Nothing else needs to call forgetMemos.
const resets = new Set<() => void>();

/** Registers how to empty one memo. */
export function onForget(reset: () => void): void {
  resets.add(reset);
}

/** Empties every memo, so the next call derives its values again. */
export function forgetMemos(): void {
  for (const reset of resets) reset();
}
