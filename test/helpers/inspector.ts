// `cg-hooks listen --ui` as a subprocess, plain HTTP to its inspector, and signed deliveries to its listener.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { generate } from '../../src/core/generate.js';
import { sign } from '../../src/signing/api.js';
import { loadProvider } from '../../src/providers/index.js';
import type { SignOptions } from '../../src/signing/types.js';
import { BIN } from './cli.js';
import { post, type ListenProcess, type Reply } from './listener.js';

export interface Inspected {
  listen: ListenProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  token: string;
  /** The URL as printed (token included). */
  url: string;
}

/**
 * `cg-hooks listen --ui --json` in a child process, reading its NDJSON. Like helpers/listener.ts, but it lives
 * as long as the browser tests need (the other helper kills its child after 25 s), killed after `lifeMs`.
 */
export function startListenUi(args: string[], lifeMs = 300_000): Promise<ListenProcess> {
  const child = spawn(process.execPath, [BIN, 'listen', '--json', '--ui', ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Array<Record<string, any>> = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  const waiters = new Set<() => void>();
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => (waiters.forEach((w) => w()), resolve({ code, stdout, stderr }))));
  const killer = setTimeout(() => child.kill('SIGKILL'), lifeMs);
  void exited.then(() => clearTimeout(killer));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const deliveries = () => events.filter((e) => e.type === 'delivery');
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      pending += d.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const event = JSON.parse(pending.slice(0, nl)) as Record<string, any>;
        pending = pending.slice(nl + 1);
        events.push(event);
        if (event.type === 'ready') resolve(proc(event.url as string));
      }
      waiters.forEach((w) => w());
    });
    void exited.then((r) => reject(new Error(`listen exited (${r.code}) before ready: ${r.stderr}`)));
  });
  function proc(url: string): ListenProcess {
    const self: ListenProcess = {
      url,
      child,
      events,
      deliveries,
      exited,
      waitForDeliveries: (n, timeoutMs = 20_000) => self.waitForMatching(n, () => true, timeoutMs),
      waitForMatching: (n, match, timeoutMs = 20_000) =>
        new Promise((res, rej) => {
          const check = () => {
            const found = deliveries().filter(match);
            if (found.length >= n) done(() => res(found));
            else if (child.exitCode !== null) done(() => rej(new Error(`listen exited with ${found.length} of ${n} deliveries`)));
          };
          const timer = setTimeout(() => done(() => rej(new Error(`only ${deliveries().filter(match).length} of ${n} deliveries after ${timeoutMs} ms`))), timeoutMs);
          const done = (f: () => void) => (clearTimeout(timer), waiters.delete(check), f());
          waiters.add(check);
          check();
        }),
      stop(signal = 'SIGINT') {
        if (child.exitCode === null) child.kill(signal);
        return exited;
      },
    };
    return self;
  }
}

export async function startInspected(args: string[]): Promise<Inspected> {
  const listen = await startListenUi(args);
  const ready = listen.events.find((e) => e.type === 'ready')!;
  const url = String(ready.inspector);
  const u = new URL(url);
  return { listen, base: u.origin, port: Number(u.port), token: u.searchParams.get('token')!, url };
}

/** A request to the inspector with exactly these headers (Host included when given). */
export function uiRequest(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const r = request(`${base}${path}`, { method: options.method ?? 'GET', headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      // An event stream never ends: take what came in the first moments, then hang up.
      const streaming = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
      if (streaming) setTimeout(() => (done(), res.destroy()), 300);
    });
    r.on('error', reject);
    r.end(body);
  });
}

export const withToken = (i: Inspected) => ({ 'x-cg-hooks-token': i.token });

/** Generates and sends a signed delivery (or, with `tamper`, one whose bytes differ from what was signed). */
export async function sendDelivery(listenUrl: string, provider: string, event: string, creds: SignOptions, tamper?: (body: Buffer) => Buffer, path = '/webhook'): Promise<Reply> {
  const d = await generate(provider, event, {});
  const signed = sign(await loadProvider(provider), d.body, creds);
  const url = new URL(path, listenUrl);
  for (const [k, v] of Object.entries(signed.query)) url.searchParams.set(k, v);
  return post(url.href, tamper ? tamper(d.body) : d.body, { 'content-type': 'application/json', ...signed.headers });
}

/** Pretty-printing the signed compact JSON: the classic re-serialization mistake. */
export const prettify = (body: Buffer) => Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2), 'utf8');
