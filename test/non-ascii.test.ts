import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerator, type PreparedGenerator } from '../src/core/generate.js';
import { nonAsciiSample, textProfile } from '../src/core/non-ascii.js';
import { validate } from '../src/core/validate.js';
import { buildSendRequest } from '../src/http/request.js';
import { send } from '../src/http/send.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { ProviderDef } from '../src/providers/types.js';
import { sign, verify } from '../src/signing/api.js';
import { CAMPAIGN_NAMES, CITIES, FIRST_NAMES, LAST_NAMES, NATIVE_NAMES, PRODUCTS } from '../src/templates/names.js';
import { hasNonAscii, money, toAscii, widestUtf8 } from '../src/templates/text.js';
import { runCli } from './helpers/cli.js';

// Real tenants' data is not ASCII: names with accents and in other scripts, ₹/€/£ amounts, curly quotes, emoji.
// Ordinary deliveries carry it, so a receiver that mangles UTF-8 (Java getBytes() in a US-ASCII locale,
// Latin-1 decoding, ensure_ascii re-serialization) meets it without a special test.

const DELIVERIES = 1000;
/**
 * Share of deliveries with non-ASCII text, at least: 15% (issue 14's "done means"). Reward's documented payloads
 * carry no text at all (a user id, a trigger id, a number), so they stay ASCII: the documented exception.
 */
const FLOOR: Record<string, number> = { reward: 0 };
/** What each provider's run measured (deliveries with non-ASCII text, of DELIVERIES), for the documented table. */
const measured = new Map<string, number>();
const CREDS = { secret: 'whsec_non_ascii_test', apiKey: 'key_non_ascii', user: 'acme:pa55', licenseCode: '~2024c5d1' };

let providers: ProviderDef[] = [];
beforeAll(async () => {
  providers = await loadAllProviders();
});

/** Every event and variant a provider generates (fixed payloads are the provider's own documented bytes). */
function generators(p: ProviderDef, ascii = false): PreparedGenerator[] {
  return p.events.flatMap((e) =>
    (e.variants?.length ? e.variants.filter((v) => !v.fixed).map((v) => v.name) : [undefined]).map((variant) =>
      prepareGenerator(p, e.name, { seed: `non-ascii:${p.id}`, ...(variant ? { variant } : {}), ...(ascii ? { ascii } : {}) }),
    ),
  );
}

function credentials(p: ProviderDef) {
  switch (p.signing.scheme) {
    case 'api-key':
      return { apiKey: CREDS.apiKey };
    case 'segment':
      return { secret: CREDS.secret, apiKey: CREDS.apiKey };
    case 'webengage':
      return { secret: CREDS.secret, licenseCode: CREDS.licenseCode };
    case 'basic':
      return { user: CREDS.user };
    case 'none':
      return {};
    default:
      return { secret: CREDS.secret };
  }
}

/** What a Java receiver's `new String(bytes, US_ASCII).getBytes()` does to a body: every non-ASCII byte becomes "?". */
const asciiMangled = (body: Buffer) => Buffer.from(body.map((b) => (b > 0x7f ? 0x3f : b)));

describe.each(['customerglu', 'customerglu-events', 'segment', 'moengage', 'clevertap', 'webengage', 'rehook', 'mgpass', 'reward'])('%s', (id) => {
  it(`${DELIVERIES} seeded deliveries: the share with non-ASCII text, each valid and verifying after signing`, () => {
    const p = providers.find((x) => x.id === id)!;
    const gens = generators(p);
    let nonAscii = 0;
    let fourByte = 0;
    for (let i = 0; i < DELIVERIES; i++) {
      const g = gens[i % gens.length]!;
      const d = g.make(i); // throws when the payload breaks its schema
      // Each expect runs only when its check is off: 9,000 deliveries with four expects each cost more than the work.
      if (!(Array.isArray(d.issues) && d.issues.length === 0)) expect(d.issues).toEqual([]);
      const text = d.body.toString('utf8');
      const issues = validate(g.event.schema, JSON.parse(text));
      if (!(Array.isArray(issues) && issues.length === 0)) expect(issues).toEqual([]);
      const signed = sign(p, d.body, { ...credentials(p), eventType: g.event.name });
      const parts = { headers: signed.headers, query: signed.query, body: d.body };
      const result = verify(p, parts, credentials(p));
      const status = p.signing.scheme === 'none' ? 'unsigned' : 'valid';
      if (result.status !== status) expect(result.status, `${g.event.name}: ${result.reason}`).toBe(status);
      if (!hasNonAscii(text)) continue;
      nonAscii++;
      if (widestUtf8(text) === 4) fourByte++;
      // The bug this guards against: a receiver that loses the multi-byte text computes another signature.
      if (['customerglu', 'mgpass', 'segment'].includes(p.signing.scheme)) {
        const mangled = verify(p, { ...parts, body: asciiMangled(d.body) }, credentials(p)).status;
        if (mangled !== 'invalid') expect(mangled).toBe('invalid');
      }
    }
    measured.set(id, nonAscii);
    const floor = FLOOR[id] ?? 0.15;
    if (floor === 0) expect(nonAscii).toBe(0);
    else expect(nonAscii / DELIVERIES).toBeGreaterThanOrEqual(floor);
    if (floor >= 0.15) expect(fourByte, 'some deliveries carry emoji (4-byte UTF-8)').toBeGreaterThan(0);
  });

  it('--ascii: only ASCII bytes, the same deliveries otherwise (ids, numbers, ASCII text unchanged)', () => {
    const p = providers.find((x) => x.id === id)!;
    const plain = generators(p);
    const folded = generators(p, true);
    for (let i = 0; i < 400; i++) {
      const k = i % plain.length;
      const a = folded[k]!.make(i);
      expect(a.issues).toEqual([]);
      expect([...a.body].every((b) => b < 0x80), a.body.toString('utf8')).toBe(true);
      sameExceptText(plain[k]!.make(i).payload, a.payload, '');
    }
  });
});

/** Same shape and values, except that non-ASCII strings became (non-empty) ASCII ones. */
function sameExceptText(original: unknown, ascii: unknown, path: string): void {
  if (typeof original === 'string') {
    expect(typeof ascii, path).toBe('string');
    if (!hasNonAscii(original)) expect(ascii, path).toBe(original);
    else expect((ascii as string).length, `${path}: ${original}`).toBeGreaterThan(0);
    return;
  }
  if (typeof original !== 'object' || original === null) {
    expect(ascii, path).toBe(original);
    return;
  }
  expect(Object.keys(ascii as object), path).toEqual(Object.keys(original));
  for (const [k, v] of Object.entries(original)) sameExceptText(v, (ascii as Record<string, unknown>)[k], `${path}.${k}`);
}

describe('docs/generate.md', () => {
  it('states the measured share of every provider (and why Reward has none)', () => {
    const doc = readFileSync(new URL('../docs/generate.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([a-z-]+)` \| ([\d.]+)% \|/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect([...rows.keys()].sort()).toEqual([...measured.keys()].sort());
    for (const [id, count] of measured) expect(rows.get(id), id).toBe((count * 100) / DELIVERIES);
    expect(doc).toMatch(/`reward` \| 0% \| [^|]*no free text/);
  });
});

describe('deliveries with non-ASCII text arrive byte for byte over HTTP and verify there', () => {
  const received: Array<{ headers: IncomingMessage['headers']; url: string; body: Buffer }> = [];
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, url: req.url ?? '/', body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the first 40 non-ASCII deliveries of every provider that has text', async () => {
    for (const p of providers.filter((x) => (FLOOR[x.id] ?? 0.15) > 0)) {
      const gens = generators(p);
      let sent = 0;
      for (let i = 0; sent < 40 && i < DELIVERIES; i++) {
        const g = gens[i % gens.length]!;
        const d = g.make(i);
        if (!hasNonAscii(d.body.toString('utf8'))) continue;
        sent++;
        received.length = 0;
        const request = buildSendRequest({ provider: p, url, body: d.body, event: g.event.name, ...credentials(p) });
        const result = await send(request, { timeoutMs: 5000, retry: { attempts: 1, delaysMs: [0], success: '2xx', source: 'flags' } });
        expect(result.final.response?.status, `${p.id} ${g.event.name}`).toBe(200);
        const got = received[0]!;
        expect(got.body.equals(d.body)).toBe(true);
        expect(got.headers['content-type']).toMatch(/^application\/json/);
        const query = Object.fromEntries(new URL(got.url, url).searchParams);
        const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        const status = verify(p, { headers, query, body: got.body }, credentials(p)).status;
        expect(status, `${p.id} ${g.event.name}`).toBe(p.signing.scheme === 'none' ? 'unsigned' : 'valid');
      }
      expect(sent, p.id).toBe(40);
    }
  });
});

describe('a sample with multi-byte text and an emoji, for conformance', () => {
  it('every provider with text has one among its first seeded deliveries; Reward has none', () => {
    for (const p of providers) {
      const sample = nonAsciiSample(p, { seed: 'conformance' });
      if (p.id === 'reward') {
        expect(sample).toBeUndefined();
        continue;
      }
      expect(sample, p.id).toBeDefined();
      const again = prepareGenerator(p, sample!.event, { seed: 'conformance', ...(sample!.variant ? { variant: sample!.variant } : {}) }).make(sample!.index);
      expect(again.body.equals(sample!.delivery.body)).toBe(true);
      expect(textProfile(sample!.delivery.body)).toEqual({ nonAscii: true, multiByte: true, astral: true });
      expect(sample!.delivery.issues).toEqual([]);
    }
  });

  it('textProfile reads UTF-8 lead bytes', () => {
    expect(textProfile(Buffer.from('abc'))).toEqual({ nonAscii: false, multiByte: false, astral: false });
    expect(textProfile(Buffer.from('₹5'))).toEqual({ nonAscii: true, multiByte: true, astral: false });
    expect(textProfile(Buffer.from('😍'))).toEqual({ nonAscii: true, multiByte: false, astral: true });
  });
});

describe('the text itself', () => {
  const lists = { FIRST_NAMES, LAST_NAMES, CITIES, CAMPAIGN_NAMES, products: PRODUCTS.flatMap((p) => [p.title, p.brand]), native: NATIVE_NAMES.flatMap((n) => [n.name, n.first, n.last]) };

  it('is written precomposed (NFC), as keyboards type it', () => {
    for (const [name, list] of Object.entries(lists)) for (const s of list) expect(s.normalize('NFC'), `${name}: ${s}`).toBe(s);
  });

  it('every entry in Latin script folds to non-empty ASCII; other scripts carry a romanization', () => {
    for (const list of [FIRST_NAMES, LAST_NAMES, CITIES, CAMPAIGN_NAMES, lists.products]) {
      for (const s of list) {
        const a = toAscii(s);
        expect(a, s).toMatch(/^[\x20-\x7e]+$/);
      }
    }
    for (const n of NATIVE_NAMES) expect(`${n.romanized.first} ${n.romanized.last}`).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  it('folds the way an ASCII-only system would write it', () => {
    expect(toAscii('São Paulo')).toBe('Sao Paulo');
    expect(toAscii('München')).toBe('Munich');
    expect(toAscii('₹1,299 cashback')).toBe('Rs 1,299 cashback');
    expect(toAscii('GH₵10 airtime')).toBe('GHS 10 airtime');
    expect(toAscii('Scratch card unlocked! 😍')).toBe('Scratch card unlocked!');
    expect(toAscii('Spicy Paneer Wrap 🌶️')).toBe('Spicy Paneer Wrap');
    expect(toAscii('Levi’s 511 — Slim')).toBe("Levi's 511 - Slim");
    expect(toAscii('Łukasz Sørensen-Öztürk')).toBe('Lukasz Sorensen-Ozturk');
    expect(toAscii('plain ASCII stays')).toBe('plain ASCII stays');
  });

  it('prints amounts as apps in those markets do, without Intl', () => {
    expect(money('INR', 1299)).toBe('₹1,299');
    expect(money('GHS', 10)).toBe('GH₵10');
    expect(money('EUR', 5)).toBe('€5');
    expect(money('USD', 1234567.5)).toBe('$1,234,567.50');
    expect(money('AED', 50)).toBe('AED 50');
  });

  it('measures UTF-8 widths', () => {
    expect([widestUtf8('abc'), widestUtf8('é'), widestUtf8('₹'), widestUtf8('😍')]).toEqual([1, 2, 3, 4]);
  });
});

describe('--ascii through the built binary', () => {
  it('generate --ascii prints only ASCII; without it the same seed carries non-ASCII somewhere', async () => {
    const args = ['generate', 'customerglu', 'nudge', '--seed', '11', '--count', '50'];
    const withText = await runCli(args);
    const folded = await runCli([...args, '--ascii']);
    expect(withText.code).toBe(0);
    expect(folded.code).toBe(0);
    expect(hasNonAscii(withText.stdout)).toBe(true);
    expect([...folded.stdoutBytes].every((b) => b < 0x80)).toBe(true);
    expect(folded.stdout.split('\n').length).toBe(withText.stdout.split('\n').length);
  });

  it('send --ascii --dry-run sends ASCII bytes', async () => {
    const r = await runCli(['send', 'mgpass', 'user.register', '--seed', '3', '--ascii', '--secret', 's', '--to', 'http://127.0.0.1:9/', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect([...r.stdoutBytes].every((b) => b < 0x80)).toBe(true);
  });
});
