// The exported processor's code. It runs inside Artillery, where cg-hooks is not installed: processor.ts writes
// this function's source text into processor.cjs, so the function must not use anything from outside its own
// body (no imports, no module-level names). It reads cg-hooks.json (what to sign and how) and corpus.ndjson
// (generated deliveries with their ids and timestamps marked) from its own directory.
/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Installs the Artillery hooks on `target` (module.exports): `signDelivery` (beforeRequest) builds, signs and
 * attaches one delivery; `checkAcknowledged` (afterResponse) fails the virtual user when the receiver did not
 * acknowledge it. `config` may be given directly (tests); otherwise it is read from `dir`.
 */
export function processorRuntime(target: Record<string, unknown>, req: (id: string) => any, dir: string, env: Record<string, string | undefined>, config?: any): void {
  const crypto = req('node:crypto');
  const fs = req('node:fs');
  const path = req('node:path');
  const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
  const HEX = '0123456789abcdef';
  const LOWER = 'abcdefghijklmnopqrstuvwxyz';
  const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const DIGITS = '0123456789';
  const RING_SIZE = 1000;

  const cfg = config ?? JSON.parse(fs.readFileSync(path.join(dir, 'cg-hooks.json'), 'utf8'));
  const signing = cfg.signing;
  const secret: string | undefined = env[cfg.secretEnv] === '' ? undefined : env[cfg.secretEnv];
  if (signing.credential === 'required' && secret === undefined) {
    throw new Error(`cg-hooks: set ${cfg.secretEnv} to ${signing.holds} before running this test (it is read from the environment, never from a file)`);
  }

  let key: any;
  if (signing.kind === 'hmac' && secret !== undefined) {
    const raw = signing.key === 'whsec' ? Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64') : Buffer.from(secret, 'utf8');
    if (raw.length === 0) throw new Error(`cg-hooks: ${cfg.secretEnv} does not hold a usable ${signing.label} secret`);
    key = crypto.createSecretKey(raw);
  }

  // ---- the corpus: each body split at its tokens, parsed once per worker on first use ----
  let corpus: any[] | undefined;
  /** A corpus line as text pieces between its tokens, ready to be joined with fresh values. */
  function templateOf(e: any): any {
    const pieces: string[] = [];
    const slots: Array<[string, string]> = [];
    let at = 0;
    for (const [offset, length, kind] of e.tokens) {
      pieces.push(e.body.slice(at, offset));
      slots.push([kind, e.body.slice(offset, offset + length)]);
      at = offset + length;
    }
    pieces.push(e.body.slice(at));
    return { event: e.event, clock: e.clock, pieces, slots, headers: e.headers ?? {} };
  }
  function loadCorpus(): any[] {
    const text = fs.readFileSync(path.join(dir, cfg.corpus), 'utf8');
    const entries: any[] = [];
    for (const line of text.split('\n')) if (line.trim() !== '') entries.push(templateOf(JSON.parse(line)));
    if (entries.length === 0) throw new Error(`cg-hooks: ${cfg.corpus} holds no deliveries: export again`);
    return entries;
  }

  // ---- fresh values: same shape, new randomness; times moved by the same delta ----
  function pick(alphabet: string, byte: number): string {
    return alphabet[byte % alphabet.length]!;
  }
  function sameClass(text: string, hexOnly: boolean): string {
    const bytes = crypto.randomBytes(text.length);
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (hexOnly && /[0-9a-f]/.test(ch)) out += pick(HEX, bytes[i]);
      else if (hexOnly && /[A-F]/.test(ch)) out += pick(HEX, bytes[i]).toUpperCase();
      else if (/[0-9]/.test(ch)) out += pick(DIGITS, bytes[i]);
      else if (/[a-z]/.test(ch)) out += pick(LOWER, bytes[i]);
      else if (/[A-Z]/.test(ch)) out += pick(UPPER, bytes[i]);
      else out += ch;
    }
    return out;
  }
  function ulid(text: string, delta: number): string {
    let t = 0;
    const lower = text.toLowerCase();
    for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(lower[i]!);
    t = Math.max(0, t + delta);
    let time = '';
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time;
      t = Math.floor(t / 32);
    }
    const bytes = crypto.randomBytes(16);
    let rest = '';
    for (let i = 0; i < 16; i++) rest += CROCKFORD[bytes[i] % 32];
    const out = time + rest;
    return text === lower ? out : out.toUpperCase();
  }
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  function shiftIso(text: string, delta: number): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2})(:?)(\d{2}))$/.exec(text);
    if (!m) return text;
    const frac = m[7] ?? '';
    const offset = m[8] === 'Z' ? 0 : (m[9] === '+' ? 1 : -1) * (Number(m[10]) * 60 + Number(m[12])) * 60_000;
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Number(frac.slice(0, 3).padEnd(3, '0'))) - offset + delta;
    const d = new Date(ms + offset);
    const msText = pad(d.getUTCMilliseconds(), 3);
    // Keep the text's precision: 3 digits stay 3, nanoseconds keep their sub-millisecond digits, none stay none.
    const fraction = frac === '' ? '' : `.${frac.length <= 3 ? msText.slice(0, frac.length) : msText + frac.slice(3)}`;
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${fraction}${m[8] === 'Z' ? 'Z' : `${m[9]}${m[10]}${m[11]}${m[12]}`}`;
  }
  function fresh(kind: string, text: string, delta: number): string {
    switch (kind) {
      case 'uuid': {
        const id = crypto.randomUUID();
        return /[A-F]/.test(text) ? id.toUpperCase() : id;
      }
      case 'ulid':
        return ulid(text, delta);
      case 'hex':
        return sameClass(text, true);
      case 'chars':
        return sameClass(text, false);
      case 'iso':
        return shiftIso(text, delta);
      case 'unix':
        return String(Math.floor((Number(text) * 1000 + delta) / 1000));
      case 'ms':
        return String(Number(text) + delta);
      default:
        return text;
    }
  }

  /** One entry with fresh ids and times; the same old value always gets the same new one inside a delivery. */
  function refresh(entry: any, nowMs: number): { text: string; headers: Record<string, string> } {
    const delta = nowMs - entry.clock;
    const memo = new Map<string, string>();
    let text = entry.pieces[0];
    for (let i = 0; i < entry.slots.length; i++) {
      const [kind, old] = entry.slots[i];
      const k = `${kind}\u0000${old}`;
      let value = memo.get(k);
      if (value === undefined) memo.set(k, (value = fresh(kind, old, delta)));
      text += value + entry.pieces[i + 1];
    }
    // Per-delivery headers (WebEngage's x-request-id) name an id of the body: they follow it.
    const headers: Record<string, string> = {};
    for (const name of Object.keys(entry.headers)) {
      const old = entry.headers[name];
      let value = old;
      for (const [k, v] of memo) if (k.slice(k.indexOf('\u0000') + 1) === old) value = v;
      headers[name] = value;
    }
    return { text, headers };
  }

  // ---- signing: an interpreter of the config that signing-config.ts derived from the scheme ----
  function messageId(): string {
    const bytes = crypto.randomBytes(24);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let id = 'msg_';
    for (let i = 0; i < 24; i++) id += alphabet[bytes[i] % 62];
    return id;
  }
  function contentPrefix(t: string, id: string): string {
    switch (signing.content) {
      case 'id.t.body':
        return `${id}.${t}.`;
      case 't.body':
        return `${t}.`;
      case 'v0:t:body':
        return `v0:${t}:`;
      default:
        return '';
    }
  }
  /** The headers and query parameters the provider sends for exactly these bytes. */
  function sign(body: Buffer, event: string, nowMs: number, id: string): { headers: Record<string, string>; query: Record<string, string> } {
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    if (signing.kind === 'hmac') {
      const t = String(Math.floor(nowMs / 1000));
      const h = crypto.createHmac(signing.algorithm, key);
      const prefix = contentPrefix(t, id);
      if (prefix !== '') h.update(prefix, 'utf8');
      const digest = h.update(body).digest(signing.encoding);
      headers[signing.header] = signing.list === 'stripe' ? `t=${t},${signing.prefix}${digest}` : `${signing.prefix}${digest}`;
      if (signing.timestampHeader !== undefined && signing.list !== 'stripe') headers[signing.timestampHeader] = t;
      if (signing.idHeader !== undefined) headers[signing.idHeader] = id;
      for (const extra of signing.extra ?? []) headers[extra.header] = `${extra.prefix}${crypto.createHmac(extra.algorithm, key).update(body).digest('hex')}`;
    } else if (signing.kind === 'header' && secret !== undefined) {
      headers[signing.header] = signing.format === 'basic' ? `Basic ${Buffer.from(secret, 'utf8').toString('base64')}` : secret;
    } else if (signing.kind === 'query-md5') {
      query.eventType = event;
      query.licenseCode = signing.licenseCode;
      query.secret = crypto.createHash('md5').update(`${signing.licenseCode}:${secret}`, 'utf8').digest('hex');
    }
    return { headers, query };
  }

  /** A new delivery from corpus entry `entry`, sent at `nowMs`. */
  function build(entry: any, nowMs: number): any {
    const { text, headers } = refresh(entry, nowMs);
    const body = Buffer.from(text, 'utf8');
    const id = messageId();
    const signed = sign(body, entry.event, nowMs, id);
    return { event: entry.event, body, id, headers: Object.assign({}, cfg.headers, headers, signed.headers), query: signed.query };
  }

  /** The copy a provider's retry would send: the same bytes; re-signed only by schemes that sign the time. */
  function retryOf(delivery: any, nowMs: number): any {
    if (!(signing.kind === 'hmac' && signing.resignOnRetry)) return delivery;
    const signed = sign(delivery.body, delivery.event, nowMs, delivery.id);
    return Object.assign({}, delivery, { headers: Object.assign({}, delivery.headers, signed.headers) });
  }

  // ---- the hooks ----
  const ring: any[] = [];
  let cursor = -1;
  // Error diffusion rather than a coin flip: after n requests exactly floor(n × ratio + phase) are duplicates.
  let debt = Math.random();

  function next(nowMs: number): { delivery: any; duplicate: boolean } {
    corpus ??= loadCorpus();
    debt += cfg.dupRatio;
    if (debt >= 1 && ring.length > 0) {
      debt -= 1;
      return { delivery: retryOf(ring[Math.floor(Math.random() * ring.length)], nowMs), duplicate: true };
    }
    if (cursor < 0) cursor = Math.floor(Math.random() * corpus.length);
    cursor = (cursor + 1) % corpus.length;
    const delivery = build(corpus[cursor], nowMs);
    if (ring.length < RING_SIZE) ring.push(delivery);
    else ring[Math.floor(Math.random() * RING_SIZE)] = delivery;
    return { delivery, duplicate: false };
  }

  function withQuery(url: string, query: Record<string, string>): string {
    const names = Object.keys(query);
    if (names.length === 0) return url;
    const u = new URL(url);
    for (const name of names) u.searchParams.set(name, query[name]!);
    return u.href;
  }

  target.signDelivery = function signDelivery(requestParams: any, _context: any, ee: any, done: (err?: Error) => void) {
    let picked;
    try {
      picked = next(Date.now());
    } catch (e) {
      return done(e as Error);
    }
    const d = picked.delivery;
    requestParams.body = d.body;
    delete requestParams.json;
    requestParams.headers = Object.assign({}, requestParams.headers, d.headers);
    requestParams.url = withQuery(requestParams.url, d.query);
    ee.emit('counter', picked.duplicate ? 'cg_hooks.duplicates_sent' : 'cg_hooks.originals_sent', 1);
    ee.emit('counter', `cg_hooks.event.${d.event}`, 1);
    return done();
  };

  target.checkAcknowledged = function checkAcknowledged(_requestParams: any, response: any, _context: any, _ee: any, done: (err?: Error) => void) {
    const status = response.statusCode;
    const ok = cfg.success === '200' ? status === 200 : status >= 200 && status < 300;
    return ok ? done() : done(new Error(`not acknowledged: HTTP ${status}`));
  };

  // For tests (and the curious): the pieces above, without Artillery around them.
  target.cgHooks = { templateOf, build, retryOf, refresh, sign, next, config: cfg };
}
