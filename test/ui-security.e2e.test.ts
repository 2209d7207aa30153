// The inspector's security model over plain HTTP, against the built binary: the token on every request,
// foreign Host and Origin refused, loopback only, no secret in anything the browser can fetch, strict CSP.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prettify, sendDelivery, startInspected, uiRequest, withToken, type Inspected } from './helpers/inspector.js';
import { post, startListen } from './helpers/listener.js';

const SECRET = `S3cret-${randomBytes(6).toString('hex')}`;
const API_KEY = `live-key-${randomBytes(6).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const FORBIDDEN = [SECRET, API_KEY, PASSWORD, Buffer.from(`acme:${PASSWORD}`).toString('base64')];

let ui: Inspected;
beforeAll(async () => {
  ui = await startInspected(['--secret', SECRET, '--api-key', API_KEY, '--user', `acme:${PASSWORD}`]);
  await sendDelivery(ui.listen.url, 'customerglu', 'reward', { secret: SECRET });
  await sendDelivery(ui.listen.url, 'customerglu', 'reward', { secret: SECRET }, prettify);
  await sendDelivery(ui.listen.url, 'customerglu-events', 'event', { apiKey: API_KEY }, undefined, '/v4/server');
  await sendDelivery(ui.listen.url, 'rehook', 'customer.rewarded', { user: `acme:${PASSWORD}` });
  await sendDelivery(ui.listen.url, 'mgpass', 'rewards.points_awarded', { secret: `${SECRET}-wrong` });
  await ui.listen.waitForDeliveries(5);
});
afterAll(async () => {
  await ui?.listen.stop();
});

const ROUTES = ['/', '/app.js', '/app.css', '/api/info', '/api/deliveries', '/api/deliveries?compact=1', '/api/deliveries/1', '/api/deliveries/1/capture', '/api/deliveries/1/curl', '/api/search?q=a', '/api/diff?a=2', '/api/events'];

describe('who may use the inspector', () => {
  it('prints its URL with a token of at least 128 bits, on 127.0.0.1, apart from the listener', async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(ui.port).not.toBe(Number(new URL(ui.listen.url).port));
    const listenerRoot = await uiRequest(ui.listen.url, '/api/deliveries', { headers: withToken(ui) });
    expect(listenerRoot.body).not.toContain('"rows"'); // the delivery port never serves the inspector
  });

  it('refuses every page, API and stream request without the token, or with a wrong one', async () => {
    for (const path of ROUTES) {
      expect((await uiRequest(ui.base, path)).status, path).toBe(401);
      expect((await uiRequest(ui.base, `${path}${path.includes('?') ? '&' : '?'}token=${ui.token.slice(0, -1)}x`)).status, path).toBe(401);
    }
    const resend = await uiRequest(ui.base, '/api/resend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1,"signature":"resign","target":"listener"}' });
    expect(resend.status).toBe(401);
  });

  it('answers them all with the token (header or query)', async () => {
    for (const path of ROUTES) expect((await uiRequest(ui.base, path, { headers: withToken(ui) })).status, path).toBe(200);
    expect((await uiRequest(ui.base, `/?token=${ui.token}`)).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (CSRF), token or not', async () => {
    const before = ui.listen.deliveries().length;
    const foreign: Array<Record<string, string>> = [
      { host: 'evil.example' },
      { host: `evil.example:${ui.port}` },
      { host: `127.0.0.1:${ui.port + 1}` },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${ui.port + 1}` },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of foreign) {
      for (const path of ['/api/deliveries', '/api/events']) {
        expect((await uiRequest(ui.base, path, { headers: { ...withToken(ui), ...headers } })).status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      }
      const resend = await uiRequest(ui.base, '/api/resend', { method: 'POST', headers: { ...withToken(ui), ...headers, 'content-type': 'application/json' }, body: '{"id":1,"signature":"resign","target":"listener"}' });
      expect(resend.status).toBe(403);
    }
    expect(ui.listen.deliveries().length).toBe(before); // nothing was resent
    const same = await uiRequest(ui.base, '/api/deliveries', { headers: { ...withToken(ui), host: `localhost:${ui.port}`, origin: `http://localhost:${ui.port}`, 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(200);
  });

  it('resends only to the listener, --forward-to or an http(s) URL given in the request', async () => {
    const ask = (body: unknown) => uiRequest(ui.base, '/api/resend', { method: 'POST', headers: { ...withToken(ui), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await ask({ id: 1, signature: 'keep', target: 'forward' })).body).toMatch(/without --forward-to/);
    expect((await ask({ id: 1, signature: 'keep', target: 'url', url: 'file:///etc/passwd' })).status).toBe(400);
    expect((await ask({ id: 1, signature: 'keep', target: 'elsewhere' })).status).toBe(400);
    const text = await uiRequest(ui.base, '/api/resend', { method: 'POST', headers: { ...withToken(ui), 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415); // a form or a plain-text POST cannot reach it
  });
});

describe('what the page is made of', () => {
  it('a strict Content-Security-Policy, no inline script or style, nothing fetched from elsewhere', async () => {
    const page = await uiRequest(ui.base, '/', { headers: withToken(ui) });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\son[a-z]+=|style=/i);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const css = (await uiRequest(ui.base, '/app.css', { headers: withToken(ui) })).body;
    expect(css).not.toMatch(/@import|url\(|@font-face/);
    const js = (await uiRequest(ui.base, '/app.js', { headers: withToken(ui) })).body;
    expect(js).not.toMatch(/https:\/\/|\binnerHTML\b|outerHTML|insertAdjacentHTML|document\.write|\beval\(/);
  });

  it('the assets are in the package (package.json files)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('dist');
    for (const f of ['index.html', 'app.js', 'app.css']) expect(readFileSync(new URL(`../dist/ui/${f}`, import.meta.url)).length).toBeGreaterThan(100);
  });
});

describe('secrets never reach the browser', () => {
  it('no configured secret, key or password in any answer the page can fetch', async () => {
    const rows = JSON.parse((await uiRequest(ui.base, '/api/deliveries', { headers: withToken(ui) })).body).rows as Array<{ id: number }>;
    expect(rows.length).toBe(5);
    // A resend re-signed with the configured API key, sent elsewhere: its row shows the request masked.
    const sentTo = await startListen([]);
    const resent = await uiRequest(ui.base, '/api/resend', { method: 'POST', headers: { ...withToken(ui), 'content-type': 'application/json' }, body: JSON.stringify({ id: 3, signature: 'resign', target: 'url', url: `${sentTo.url}/v4/server` }) });
    expect(JSON.parse(resent.body).status).toBe(200);
    const arrived = await sentTo.waitForDeliveries(1);
    expect(arrived[0]!.headers['x-api-key']).toMatch(/^\*{4}/); // it did carry the key (masked in that listener's output)
    await sentTo.stop();
    const ids = [...rows.map((r) => r.id), JSON.parse(resent.body).id as number];
    const answers: string[] = [];
    // The page and its assets, the settings, the list, and the event stream from the start.
    for (const path of ['/', '/app.js', '/app.css', '/api/info', '/api/deliveries', '/api/deliveries?compact=1', '/api/events?after=0', `/api/search?q=${encodeURIComponent(SECRET)}`]) {
      answers.push((await uiRequest(ui.base, path, { headers: withToken(ui) })).body);
    }
    for (const id of ids) {
      for (const path of [`/api/deliveries/${id}`, `/api/deliveries/${id}/capture`, `/api/deliveries/${id}/curl`, `/api/deliveries/${id}/scenario`, `/api/diff?a=${id}&b=1`]) {
        answers.push((await uiRequest(ui.base, path, { headers: withToken(ui) })).body);
      }
    }
    answers.push((await uiRequest(ui.base, '/api/export', { method: 'POST', headers: { ...withToken(ui), 'content-type': 'application/json' }, body: JSON.stringify({ ids }) })).body);
    const all = answers.join('\n');
    expect(all).toContain('JSON.stringify(JSON.parse(body))'); // the diagnosis ran with the secret, server-side
    for (const form of FORBIDDEN) expect(all.includes(form), `an answer contains ${form}`).toBe(false);
  });
});

describe('loopback only', () => {
  const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!external)('with --host 0.0.0.0 deliveries come in on every interface, the inspector only on 127.0.0.1', async () => {
    const wide = await startInspected(['--host', '0.0.0.0']);
    try {
      const reach = (port: number) =>
        new Promise<string>((resolve) => {
          const s = connect(port, external!);
          s.once('connect', () => (s.destroy(), resolve('connected')));
          s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
      expect(await reach(Number(new URL(wide.listen.url).port))).toBe('connected');
      expect(await reach(wide.port)).toBe('ECONNREFUSED');
      expect((await post(`http://${external}:${new URL(wide.listen.url).port}/webhook`, '{}')).status).toBe(200);
    } finally {
      await wide.listen.stop();
    }
  });
});
