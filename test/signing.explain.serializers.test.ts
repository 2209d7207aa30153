import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../src/signing/index.js';
import { parseTree, serialize } from '../src/signing/explain/json-forms.js';
import { gsonMapNumber, jacksonNumber, phpNumber, rubyNumber, goNumber } from '../src/signing/explain/number-forms.js';
import { SERIALIZERS } from '../src/signing/explain/serializers.js';
import type { SigningSpec } from '../src/signing/types.js';

// The oracle is the real serializers' own output (PHP 8, Ruby, Go, Jackson, Gson, Python, Node), signed in their
// own language by scripts/make-serializer-vectors.sh; .NET's vectors are a model (see the fixture's "by").

interface Vector { serializer: string; corpus: string; signed: string; signature: string; sameAsBody: boolean }
const fx = JSON.parse(readFileSync(new URL('../fixtures/explain/serializers.json', import.meta.url), 'utf8')) as {
  secret: string;
  serializers: Record<string, { label: string; produced: 'real' | 'modelled'; by: string }>;
  corpus: { name: string; body: string }[];
  vectors: Vector[];
};
const body = (name: string) => fx.corpus.find((c) => c.name === name)!.body;
const HMAC: SigningSpec = { scheme: 'hmac', secretRequired: true, description: '' };
/** The words that name each serializer family in a diagnosis. */
const NAMES: Record<string, RegExp> = { js: /JSON\.stringify/, py: /Python json\.dumps/, php: /PHP json_encode/, ruby: /Ruby JSON\./, go: /Go json\.Marshal/, jackson: /Jackson/, gson: /Gson/, dotnet: /\.NET System\.Text\.Json/ };

describe('serializer models are byte-identical to the real serializers', () => {
  for (const v of fx.vectors) {
    if (v.serializer === 'js-compact') continue; // JSON.stringify itself
    it(`${v.serializer} on the ${v.corpus} corpus`, () => {
      const model = (id: string) => SERIALIZERS.find((m) => m.id === id)!.style;
      const tree = parseTree(body(v.corpus))!;
      if (v.serializer === 'go') {
        // Debian's Go is 1.19: \b and \f as \u0008 and \u000c, which Go 1.22 changed to \b and \f.
        expect(fx.serializers.go!.by).toMatch(/^go1\.(1\d|2[01])\b/);
        expect(serialize(tree, model('go-legacy'))).toBe(v.signed);
        expect(serialize(tree, model('go'))).toBe(v.signed.replaceAll('\\u0008', '\\b').replaceAll('\\u000c', '\\f'));
        return;
      }
      expect(serialize(tree, model(v.serializer))).toBe(v.signed);
    });
  }
  it('every serializer in the fixture has a model, and every model but .NET was checked against the real thing', () => {
    for (const [id, s] of Object.entries(fx.serializers)) {
      if (id !== 'js-compact') expect(SERIALIZERS.some((m) => m.id === id), id).toBe(true);
      expect(s.produced, id).toBe(id === 'dotnet' ? 'modelled' : 'real');
    }
  });
});

describe('--explain names the serializer that signed its own output', () => {
  for (const v of fx.vectors) {
    it(`${v.serializer} on the ${v.corpus} corpus`, () => {
      const x = explain(HMAC, { headers: { 'x-signature': v.signature }, body: Buffer.from(body(v.corpus)) }, { secrets: [fx.secret] });
      if (v.sameAsBody) {
        expect(x.verdict).toBe('valid');
        return;
      }
      expect(x.verdict, x.summary).toBe('explained');
      const named = [x.match!.bodyLabel, ...(x.match!.alsoBy ?? [])];
      expect(named.some((l) => NAMES[v.serializer.split('-')[0]!]!.test(l)), named.join(' | ')).toBe(true);
      const f = x.findings[0]!;
      expect(['other-serializer', 're-serialized', 'numbers']).toContain(f.cause);
      expect(f.offset).toBe([...Buffer.from(body(v.corpus))].findIndex((b, i) => b !== Buffer.from(v.signed)[i]));
      expect(f.fix).toMatch(/sign|verify the raw bytes/);
      expect(JSON.stringify(x)).not.toContain(fx.secret);
    });
  }

  it('says what the serializer changed, with the first token it wrote differently', () => {
    const v = fx.vectors.find((x) => x.serializer === 'php' && x.corpus === 'numbers')!;
    const x = explain(HMAC, { headers: { 'x-signature': v.signature }, body: Buffer.from(body('numbers')) }, { secrets: [fx.secret] });
    expect(x.match?.body).toBe('php');
    expect(x.findings[0]!.detail[0]).toBe('Its output differs from the body you have in how numbers are written (first: 1.0 → 1).');
    expect(x.findings[0]!.fix).toMatch(/json_encode\(\$data\); sign \$json/);
  });

  it('names every serializer that writes the same bytes', () => {
    const v = fx.vectors.find((x) => x.serializer === 'ruby' && x.corpus === 'strings')!;
    const x = explain(HMAC, { headers: { 'x-signature': v.signature }, body: Buffer.from(body('strings')) }, { secrets: [fx.secret] });
    expect(x.match?.body).toBe('js-compact');
    expect(x.findings[0]!.detail.join(' ')).toMatch(/The same bytes come from: .*Ruby JSON\.generate/);
  });
});

describe('number forms named in issue 13', () => {
  it('PHP 8: floats from 1e17 and below 1e-4 with an exponent, -0.0 as -0, integers beyond int64 as floats', () => {
    expect(['1e17', '1e-5', '-0.0', '12345678901234567890', '1.5e16', '0.0001', '1.0', '9223372036854775807'].map(phpNumber)).toEqual(['1.0e+17', '1.0e-5', '-0', '1.2345678901234567e+19', '15000000000000000', '0.0001', '1', '9223372036854775807']);
  });
  it('Jackson: 1e21 as 1.0E21; Gson into a Map: every number a double', () => {
    expect(['1e21', '1e-7', '1e3', '15', '12345678901234567890'].map(jacksonNumber)).toEqual(['1.0E21', '1.0E-7', '1000.0', '15', '12345678901234567890']);
    expect(['15', '9007199254740993', '0.001', '1e7'].map(gsonMapNumber)).toEqual(['15.0', '9.007199254740992E15', '0.001', '1.0E7']);
  });
  it('Ruby: two-digit exponents from 1e16; Go: -0 kept', () => {
    expect(['1e21', '1e-7', '1.5e16', '1e15', '-0.0', '0.0001', '1e-5'].map(rubyNumber)).toEqual(['1.0e+21', '1.0e-07', '1.5e+16', '1000000000000000.0', '-0.0', '0.0001', '1.0e-05']);
    expect(['-0.0', '1e21', '1e-7', '9007199254740993'].map(goNumber)).toEqual(['-0', '1e+21', '1e-7', '9007199254740992']);
  });
  it('a serializer that cannot write a value (1e400 is Infinity) is left out, not a crash', () => {
    const x = explain(HMAC, { headers: { 'x-signature': 'ab'.repeat(32) }, body: Buffer.from('{"n":1e400}') }, { secrets: [fx.secret] });
    expect(x.verdict).toBe('unexplained');
  });
});
