// What the compiled-form tests share (test/generate-compiled-sources.test.ts, -rehook-referral, -mgpass): the oracle
// (the interpreted body, as prepareGenerator's makeText makes it), a compiled form's body written between guard bytes,
// and the check that prepareGenerator's writeBody gives make()'s bytes once it turns to the compiled form.
import { expect } from 'vitest';
import { prepareGenerator, type GenerateOptions } from '../../src/core/generate.js';
import { findEvent } from '../../src/providers/index.js';
import type { BodyCompiler, ProviderDef } from '../../src/providers/types.js';
import type { CompiledTemplate } from '../../src/templates/compiled.js';
import { TemplateContext } from '../../src/templates/context.js';
import { asciiPayload } from '../../src/templates/text.js';

/** JSON.stringify of the interpreted payload, folded under --ascii: the bytes a compiled form must write. */
export function interpretedBody(provider: ProviderDef, event: string, seed: number, now: number, index: number, variant: string | undefined, ascii: boolean): string {
  let payload = provider.template(event, new TemplateContext(seed, now, index, { ascii }), variant);
  if (ascii) payload = asciiPayload(payload);
  return JSON.stringify(payload);
}

/**
 * A function that writes one delivery's body with the compiled form `compilerOf(provider)` gives the event (compiled
 * once per provider, event, variant and --ascii), 7 bytes into a buffer of guard bytes, and checks that nothing was
 * written outside the room the caller leaves (within it, a body may be drafted and moved). Undefined: -1, the
 * delivery left to the interpreted path.
 */
export function compiledBodies(compilerOf: (provider: ProviderDef) => BodyCompiler) {
  const compiled = new Map<string, CompiledTemplate>();
  return (provider: ProviderDef, event: string, seed: number, now: number, index: number, variant: string | undefined, ascii: boolean): Buffer | undefined => {
    const key = `${provider.id} ${event} ${variant} ${ascii}`;
    if (!compiled.has(key)) compiled.set(key, compilerOf(provider)(findEvent(provider, event), variant, ascii)!);
    const template = compiled.get(key)!;
    const out = Buffer.alloc(template.maxBytes + 64, 0xff);
    const end = template.write(new TemplateContext(seed, now, index, { ascii }), out, 7);
    if (end === -1) return undefined;
    expect(end - 7).toBeLessThanOrEqual(template.maxBytes);
    expect(out.subarray(7 + template.maxBytes).every((b) => b === 0xff)).toBe(true);
    expect(out.subarray(0, 7).every((b) => b === 0xff)).toBe(true);
    return out.subarray(7, end);
  };
}

/**
 * prepareGenerator with the compiler writes, from its 65th delivery on (COMPILE_AFTER), the very bytes make() gives
 * without it, 1,500 deliveries from seed "writeBody".
 */
export function expectWriteBodyIsMake(provider: ProviderDef, event: string, compile: BodyCompiler, options: Pick<GenerateOptions, 'variant' | 'ascii'>): void {
  const out = Buffer.alloc(1 << 16);
  const gen = prepareGenerator(provider, event, { seed: 'writeBody', ...options }, undefined, compile);
  const lib = prepareGenerator(provider, event, { seed: 'writeBody', ...options });
  let written = 0;
  for (let i = 0; i < 1500; i++) {
    const end = gen.writeBody(i, out, 5);
    const want = lib.make(i).body;
    if (end < 0) {
      expect(i).toBeLessThan(64);
      expect(Buffer.from(gen.makeText(i).text, 'utf8').equals(want)).toBe(true);
    } else {
      written++;
      expect(out.subarray(5, end).equals(want)).toBe(true);
    }
  }
  expect(written).toBe(1500 - 64);
}
