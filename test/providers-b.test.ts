import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { provider as clevertap } from '../src/providers/clevertap.js';
import { provider as customerglu } from '../src/providers/customerglu.js';
import { provider as cgEvents } from '../src/providers/customerglu-events.js';
import { loadAllProviders } from '../src/providers/index.js';
import { provider as moengage } from '../src/providers/moengage.js';
import { provider as segment } from '../src/providers/segment.js';
import type { IncomingRequest, ProviderDef } from '../src/providers/types.js';
import { provider as webengage } from '../src/providers/webengage.js';
import { md5hex } from '../src/signing/hmac.js';
import { signRequest, verifyRequest } from '../src/signing/index.js';

const MINE = [cgEvents, segment, moengage, clevertap, webengage];
const SEED = 'providers-b';
const fixture = (provider: string, file: string) => readFileSync(new URL(`../fixtures/${provider}/${file}`, import.meta.url));

interface Case {
  provider: ProviderDef;
  event: string;
  variant?: string;
  label: string;
}

function casesOf(providers: ProviderDef[]): Case[] {
  return providers.flatMap((provider) =>
    provider.events.flatMap((e) => {
      const variants = e.variants?.map((v) => v.name) ?? [undefined];
      return variants.map((variant) => ({ provider, event: e.name, variant, label: `${provider.id} ${e.name}${variant ? ` (${variant})` : ''}` }));
    }),
  );
}
const CASES = casesOf(MINE);
/** CleverTap's test send is one fixed documented payload: it has no ids to vary. */
const isFixed = (c: Case) => c.variant === 'test-send';

/** The request the provider (or a forwarder into CustomerGlu) really makes for these bytes. */
function requestFor(provider: ProviderDef, body: Buffer, n = 0): IncomingRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(provider.headers)) headers[k.toLowerCase()] = v;
  const signed = signRequest(provider.signing, body, { secret: 'whsec_demo', apiKey: 'cg_write_key', licenseCode: '~2024c5d1', eventType: 'Order Placed' });
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  if (provider.id === 'webengage') headers['x-request-id'] = `${n.toString(16).padStart(8, '0')}9f3c2a7d5e1b4c08a6d2e9f1`;
  return { method: 'POST', path: '/webhook', query: signed.query, headers, body };
}

/** A request that says nothing about its sender: only the body can tell. */
function bareRequest(body: Buffer): IncomingRequest {
  return { method: 'POST', path: '/webhook', query: {}, headers: { 'content-type': 'application/json' }, body };
}

function generate(c: Case, seed: number | string = SEED) {
  return prepareGenerator(c.provider, c.event, { seed, ...(c.variant ? { variant: c.variant } : {}) });
}

describe('templates', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: the default output passes its schema', (_label, c) => {
    const event = c.provider.events.find((e) => e.name === c.event)!;
    const d = generate(c).make(0);
    expect(validate(event.schema, d.payload)).toEqual([]);
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s: 1,000 seeded deliveries are valid, with unique ids', (_label, c) => {
    const gen = prepareGenerator(c.provider, c.event, { seed: 1234, ...(c.variant ? { variant: c.variant } : {}) });
    const bodies = new Set<string>();
    const keys = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const d = gen.make(i); // throws InvalidPayloadError if the schema rejects it
      // The expect only when something is off (1,000 a case cost more than making the deliveries).
      if (!(Array.isArray(d.issues) && d.issues.length === 0)) expect(d.issues).toEqual([]);
      bodies.add(d.body.toString('utf8'));
      const key = c.provider.dedupKey?.(d.payload);
      if (key !== undefined) keys.add(key);
    }
    if (isFixed(c)) {
      expect(bodies.size).toBe(1);
      return;
    }
    expect(bodies.size).toBe(1000);
    if (c.provider.dedupKey) expect(keys.size).toBe(1000);
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s: the same seed gives identical bytes, another seed others', (_label, c) => {
    const a = generate(c, 42);
    const b = generate(c, 42);
    const other = generate(c, 43);
    for (let i = 0; i < 20; i++) {
      expect(a.make(i).body.equals(b.make(i).body)).toBe(true);
      if (!isFixed(c)) expect(a.make(i).body.equals(other.make(i).body)).toBe(false);
    }
  });

  it('bodies are compact JSON, as re-serializing receivers expect', () => {
    for (const c of CASES) {
      const d = generate(c).make(3);
      expect(d.body.toString('utf8')).toBe(JSON.stringify(JSON.parse(d.body.toString('utf8'))));
    }
  });
});

/** Units per US dollar, as src/templates/sources.ts prices things. */
const PER_USD: Record<string, number> = { INR: 83, GHS: 15, NGN: 1500, GBP: 0.79, USD: 1, SGD: 1.35, AED: 3.67, BRL: 5, EUR: 0.92 };

describe('realistic, consistent payloads', () => {
  const NOW = Date.UTC(2026, 2, 14, 9, 30, 0);
  const at = (c: Case, i: number) => prepareGenerator(c.provider, c.event, { seed: i, now: NOW, ...(c.variant ? { variant: c.variant } : {}) }).make(0).payload as any;

  it('customerglu-events: the timestamp is the delivery clock in ISO UTC and event_name follows the variant', () => {
    for (const variant of ['purchase', 'add_to_cart', 'signup', 'app_open']) {
      const p = at({ provider: cgEvents, event: 'event', variant, label: '' }, 1);
      expect(p.timestamp).toBe(new Date(NOW).toISOString());
      expect(p.event_name).toBe(variant);
      expect(p.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('customerglu-events: purchase totals are in the shopper currency and add up', () => {
    for (let i = 0; i < 200; i++) {
      const p = at({ provider: cgEvents, event: 'event', variant: 'purchase', label: '' }, i).event_properties;
      const lines = p.items.reduce((sum: number, l: any) => sum + l.price * l.quantity, 0);
      expect(p.order_value).toBeGreaterThan(0);
      // Discount (10%), US sales tax (8.875%) and shipping (US$3 in the shopper's currency) separate the two.
      expect(Math.abs(p.order_value - lines)).toBeLessThan(lines * 0.2 + 3 * PER_USD[p.currency as string]! + 1);
      expect(p.item_count).toBe(p.items.reduce((n: number, l: any) => n + l.quantity, 0));
    }
  });

  it('segment: originalTimestamp <= sentAt <= receivedAt within a second, timestamp skew-corrected', () => {
    for (const event of ['track', 'identify']) {
      for (let i = 0; i < 300; i++) {
        const p = at({ provider: segment, event, label: '' }, i);
        const [o, s, r, t] = [p.originalTimestamp, p.sentAt, p.receivedAt, p.timestamp].map((x: string) => Date.parse(x));
        expect(o).toBeLessThanOrEqual(s!);
        expect(s).toBeLessThanOrEqual(r!);
        expect(r! - o!).toBeLessThan(1000);
        expect(r).toBe(NOW);
        expect(t).toBe(r! - (s! - o!));
        expect(p.version).toBe(1);
        expect(p.type).toBe(event);
      }
    }
  });

  it('segment: mobile libraries run on matching devices; analytics.js ids carry the send time', () => {
    for (let i = 0; i < 300; i++) {
      const p = at({ provider: segment, event: 'track', label: '' }, i);
      const lib = p.context.library.name;
      if (lib === 'analytics-ios') expect(p.context.os.name).toBe('iOS');
      if (lib === 'analytics-android') expect(p.context.os.name).toBe('Android');
      if (lib === 'analytics.js') expect(p.messageId.startsWith(`ajs-next-${NOW}-`)).toBe(true);
      if (p.event === 'Application Opened') expect(p.properties.version).toBe(p.context.app.version);
    }
  });

  it('moengage: one user across uid, attributes and e-mail; event_time in unix seconds near now', () => {
    for (const variant of ['user-action', 'campaign']) {
      for (let i = 0; i < 200; i++) {
        const p = at({ provider: moengage, event: 'event', variant, label: '' }, i);
        const e = p.events[0];
        expect(e.event_type).toBe(variant === 'campaign' ? 'CAMPAIGN_EVENT' : 'USER_ACTION_EVENT');
        expect(e.event_source).toBe('MOENGAGE');
        expect(NOW / 1000 - e.event_time).toBeGreaterThanOrEqual(0);
        expect(NOW / 1000 - e.event_time).toBeLessThan(60);
        if (e.email_id !== undefined) expect(e.email_id).toBe(e.user_attributes.email);
        if (e.device_attributes.platform === 'iOS') expect(e.device_attributes.device_manufacturer).toBe('Apple');
      }
    }
  });

  it('clevertap: test-send is the documented payload byte for byte; live has one profile with a ten-digit targetId', () => {
    const test = prepareGenerator(clevertap, 'event', { variant: 'test-send' }).make(0);
    expect(test.body.equals(fixture('clevertap', 'test-send.json'))).toBe(true);
    for (let i = 0; i < 100; i++) {
      const p = at({ provider: clevertap, event: 'event', variant: 'live', label: '' }, i);
      expect(p.is_test).toBeUndefined();
      expect(String(p.targetId)).toMatch(/^\d{10}$/);
      expect(p.targetId).toBeLessThan(NOW / 1000);
      expect(p.profiles).toHaveLength(1);
      expect(p.key_values.event_name).toMatch(/^(Charged|Added To Cart|App Launched)$/);
      for (const v of Object.values(p.key_values)) expect(typeof v).toBe('string');
    }
  });

  it('webengage: user_id matches system_data.cuid; the license scope looks like a license code', () => {
    for (let i = 0; i < 200; i++) {
      const p = at({ provider: webengage, event: 'event', variant: 'custom', label: '' }, i);
      expect(p.system_data.cuid).toBe(p.user_id);
      expect(p.system_data.scope).toMatch(/^~[0-9a-f]{8}$/);
      expect(Date.parse(p.event_time.replace('+0000', 'Z'))).toBeLessThanOrEqual(NOW);
    }
    const push = at({ provider: webengage, event: 'event', variant: 'push', label: '' }, 1);
    const content = JSON.parse(push.system_data.push_notification_content);
    expect(content.identifier).toBe(push.system_data.variation_id);
    expect(content.experimentId).toBe(push.system_data.id);
    expect(push.event_data).toEqual({ result: 'SUCCESS' });
  });
});

describe('schemas', () => {
  it('every listed fixture exists and passes its schema', () => {
    let count = 0;
    for (const p of MINE) {
      for (const e of p.events) {
        for (const f of e.fixtures ?? []) {
          const body = JSON.parse(fixture(p.id, f).toString('utf8'));
          expect(validate(e.schema, body), `${p.id}/${f}`).toEqual([]);
          expect(p.eventOf(body), `${p.id}/${f}`).toBe(e.name);
          count++;
        }
      }
    }
    expect(count).toBe(3);
  });

  it("segment track.json is the docs' example exactly", () => {
    expect(fixture('segment', 'track.json').toString('utf8')).toBe(
      '{"version":1,"type":"track","userId":"019mr8mf4r","event":"Purchased an Item","properties":{"revenue":"39.95","shippingMethod":"2-day"},"timestamp":"2012-12-02T00:30:08.276Z"}',
    );
  });

  it('customerglu-events: each of the five fields is required (the API would answer 200 anyway)', () => {
    const schema = cgEvents.events[0]!.schema;
    const good = JSON.parse(fixture('customerglu-events', 'event-minimal.json').toString('utf8'));
    for (const field of ['event_id', 'event_name', 'user_id', 'timestamp', 'event_properties']) {
      const { [field]: _gone, ...rest } = good;
      const issues = validate(schema, rest);
      expect(issues.map((i) => i.path)).toEqual([field]);
      expect(issues[0]!.message).toMatch(/missing/);
    }
  });

  it('customerglu-events: timestamp must be ISO in UTC', () => {
    const schema = cgEvents.events[0]!.schema;
    const good = JSON.parse(fixture('customerglu-events', 'event-minimal.json').toString('utf8'));
    for (const bad of ['2024-06-08T15:45:30+05:30', '1717841730', 'yesterday']) {
      expect(validate(schema, { ...good, timestamp: bad }).map((i) => i.path)).toEqual(['timestamp']);
    }
    expect(validate(schema, { ...good, timestamp: 1717841730 }).map((i) => i.path)).toEqual(['timestamp']);
  });

  it('moengage: event_time in milliseconds is rejected', () => {
    const gen = prepareGenerator(moengage, 'event', { seed: 1, set: [{ path: 'events.0.event_time', value: 1767225600000 }], validate: false });
    expect(gen.make(0).issues.map((i) => i.path)).toEqual(['events[0].event_time']);
  });

  it('segment: a message with neither userId nor anonymousId is rejected', () => {
    const gen = prepareGenerator(segment, 'track', { seed: 1, unset: ['userId', 'anonymousId'], validate: false });
    expect(gen.make(0).issues).toHaveLength(1);
    expect(gen.make(0).issues[0]!.message).toMatch(/userId or anonymousId/);
  });
});

describe('eventOf, dedupKey, detect', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: eventOf names its event; no other provider claims it', (_label, c) => {
    for (let i = 0; i < 20; i++) {
      const d = generate(c).make(i);
      expect(c.provider.eventOf(d.payload)).toBe(c.event);
      for (const other of [...MINE, customerglu]) {
        if (other !== c.provider) expect(other.eventOf(d.payload), other.id).toBeUndefined();
      }
    }
  });

  it('dedupKey is the documented idempotency key', () => {
    const ev = generate({ provider: cgEvents, event: 'event', label: '' }).make(0).payload as any;
    expect(cgEvents.dedupKey!(ev)).toBe(ev.event_id);
    const tr = generate({ provider: segment, event: 'track', label: '' }).make(0).payload as any;
    expect(segment.dedupKey!(tr)).toBe(tr.messageId);
    const mo = generate({ provider: moengage, event: 'event', label: '' }).make(0).payload as any;
    expect(moengage.dedupKey!(mo)).toBe(mo.moe_request_id);
    const we = generate({ provider: webengage, event: 'event', label: '' }).make(0);
    const weBody = we.payload as any;
    expect(webengage.dedupKey!(we.payload, requestFor(webengage, we.body, 7))).toBe('000000079f3c2a7d5e1b4c08a6d2e9f1');
    expect(webengage.dedupKey!(we.payload)).toBe(weBody.system_data.event_id);
    expect(clevertap.dedupKey).toBeUndefined();
  });

  it('every delivery is detected as its own provider among all registered providers, with and without headers', async () => {
    const all = await loadAllProviders();
    const best = (req: IncomingRequest, body: unknown) => {
      const scored = all.map((p) => ({ id: p.id, score: p.detect(req, body) })).sort((a, b) => b.score - a.score);
      expect(scored[0]!.score, `${scored[0]!.id} vs ${scored[1]!.id}`).toBeGreaterThan(scored[1]!.score);
      return scored[0]!.id;
    };
    for (const c of CASES) {
      for (let i = 0; i < 10; i++) {
        const d = generate(c).make(i);
        expect(best(requestFor(c.provider, d.body, i), d.payload), c.label).toBe(c.provider.id);
        expect(best(bareRequest(d.body), d.payload), `${c.label} (body only)`).toBe(c.provider.id);
      }
    }
  });

  it("customerglu's own deliveries stay customerglu's", async () => {
    for (const event of ['reward', 'nudge', 'raw-event']) {
      const d = prepareGenerator(customerglu, event, { seed: 5 }).make(0);
      const req = bareRequest(d.body);
      const cg = customerglu.detect(req, d.payload);
      for (const p of MINE) expect(p.detect(req, d.payload), `${p.id} on customerglu ${event}`).toBeLessThan(cg);
    }
  });

  it('an Events API call that forgot event_id is still an Events API call (so validation reports it)', () => {
    const { event_id: _gone, ...body } = JSON.parse(fixture('customerglu-events', 'event-minimal.json').toString('utf8'));
    const raw = Buffer.from(JSON.stringify(body));
    const keyed = requestFor(cgEvents, raw);
    expect(cgEvents.eventOf(body, keyed)).toBe('event');
    expect(cgEvents.detect(keyed, body)).toBeGreaterThan(customerglu.detect(keyed, body));
    expect(validate(cgEvents.events[0]!.schema, body).map((i) => i.path)).toEqual(['event_id']);
    // Without the API key it is CustomerGlu's raw-event analytics webhook.
    expect(cgEvents.eventOf(body, bareRequest(raw))).toBeUndefined();
    expect(customerglu.eventOf(body)).toBe('raw-event');
  });

  it('segment: the Segment user agent wins even for an unusual body', () => {
    const req = { ...bareRequest(Buffer.from('{}')), headers: { 'user-agent': 'Segment.io/1.0' } };
    expect(segment.detect(req, {})).toBeGreaterThan(0.5);
    expect(segment.detect(bareRequest(Buffer.from('{}')), {})).toBe(0);
  });

  it('segment: a track call scores by its signature header, else by its message id or version', () => {
    const track = { type: 'track', event: 'Order Completed' };
    const bare = bareRequest(Buffer.from('{}'));
    expect(segment.detect({ ...bare, headers: { ...bare.headers, 'x-signature': 'abc' } }, track)).toBe(0.9);
    expect(segment.detect(bare, { ...track, messageId: 'm1' })).toBe(0.8);
    expect(segment.detect(bare, track)).toBe(0.6);
  });

  it('webengage: the licenseCode query marks a WebEngage request whatever the body', () => {
    const body = Buffer.from('{"feedback":"great"}');
    const req = requestFor(webengage, body, 1);
    expect(req.query.licenseCode).toBe('~2024c5d1');
    expect(webengage.eventOf({ feedback: 'great' }, req)).toBe('event');
    expect(webengage.detect(req, { feedback: 'great' })).toBeGreaterThanOrEqual(0.9);
  });
});

describe('signing', () => {
  it('webengage: md5("~2024c5d1:whsec_demo") is the documented vector, and the scheme puts it in the query', () => {
    expect(md5hex('~2024c5d1:whsec_demo')).toBe('e1305d13cda89fa8609a9915ba8c6904');
    const body = Buffer.from('{"event_data":{},"system_data":{}}');
    const signed = signRequest(webengage.signing, body, { licenseCode: '~2024c5d1', secret: 'whsec_demo', eventType: 'Order Placed' });
    expect(signed.query).toEqual({ eventType: 'Order Placed', licenseCode: '~2024c5d1', secret: 'e1305d13cda89fa8609a9915ba8c6904' });
    const ok = verifyRequest(webengage.signing, { headers: {}, query: signed.query, body }, { secrets: ['whsec_demo'], licenseCode: '~2024c5d1' });
    expect(ok.valid).toBe(true);
    const forged = verifyRequest(webengage.signing, { headers: {}, query: { ...signed.query, secret: md5hex('~2024c5d1:wrong') }, body }, { secrets: ['whsec_demo'], licenseCode: '~2024c5d1' });
    expect(forged.status).toBe('invalid');
  });

  it('segment: X-Signature is hex HMAC-SHA1 of the exact bytes', () => {
    const body = fixture('segment', 'track.json');
    const signed = signRequest(segment.signing, body, { secret: 'shh', apiKey: 'cg_write_key' });
    expect(signed.headers['X-Signature']).toMatch(/^[0-9a-f]{40}$/);
    expect(signed.headers['X-API-KEY']).toBe('cg_write_key');
    const headers = { 'x-signature': signed.headers['X-Signature']! };
    expect(verifyRequest(segment.signing, { headers, body }, { secrets: ['shh'] }).valid).toBe(true);
    expect(verifyRequest(segment.signing, { headers, body: Buffer.concat([body, Buffer.from('\n')]) }, { secrets: ['shh'] }).valid).toBe(false);
  });

  it('sources that authenticate with X-API-KEY never require a secret', () => {
    for (const p of [cgEvents, moengage, clevertap]) {
      expect(p.signing).toMatchObject({ scheme: 'api-key', header: 'X-API-KEY', secretRequired: false });
      expect(signRequest(p.signing, Buffer.from('{}'), { apiKey: 'cg_write_key' }).headers).toEqual({ 'X-API-KEY': 'cg_write_key' });
    }
    expect(segment.signing.secretRequired).toBe(false);
    expect(webengage.signing.secretRequired).toBe(false);
  });

  it('provider facts: endpoints, Segment user agent, CleverTap timeout, WebEngage 200-only', () => {
    expect(cgEvents.endpoint).toBe('https://events.customerglu.com/server/v4');
    expect(segment.endpoint).toBe('https://events.customerglu.com/segment/v4');
    expect(moengage.endpoint).toBe('https://stream.customerglu.com/v3/moengage');
    expect(clevertap.endpoint).toBe('https://events.customerglu.com/clevertap/v4');
    expect(segment.headers['User-Agent']).toMatch(/^Segment/);
    expect(clevertap.timeoutMs).toBe(3000);
    expect(webengage.retry.success).toBe('200');
    expect(cgEvents.description).toMatch(/200 before validating/);
  });
});
