// Runs `cg-hooks listen --json` as a subprocess and reads its NDJSON; plus a raw HTTP client for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BIN } from './cli.js';

export interface ListenProcess {
  url: string;
  child: ChildProcess;
  /** Every NDJSON line so far (ready, delivery, warning, summary). */
  events: Array<Record<string, any>>;
  deliveries(): Array<Record<string, any>>;
  /** Resolves when at least n deliveries were reported. */
  waitForDeliveries(n: number, timeoutMs?: number): Promise<Array<Record<string, any>>>;
  /** Resolves with the deliveries that match, once there are n of them. */
  waitForMatching(n: number, match: (d: Record<string, any>) => boolean, timeoutMs?: number): Promise<Array<Record<string, any>>>;
  /** Resolves with the exit code and all output once the process ends. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startListen(args: string[], env: Record<string, string | undefined> = {}): Promise<ListenProcess> {
  const child = spawn(process.execPath, [BIN, 'listen', '--json', ...args], {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, any>> = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  const waiters: Array<() => void> = [];
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      for (const w of waiters.splice(0)) w();
      resolve({ code, stdout, stderr });
    });
  });
  // A safety net for a listener that never exits: past its own --timeout (if given), else 25 s.
  const timeoutArg = args.indexOf('--timeout');
  const ownLimitMs = timeoutArg >= 0 ? Number(args[timeoutArg + 1]) * 1000 : Number.NaN;
  const killer = setTimeout(() => child.kill('SIGKILL'), Number.isFinite(ownLimitMs) ? Math.max(25_000, ownLimitMs + 10_000) : 25_000);
  void exited.then(() => clearTimeout(killer));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      stdout += text;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const event = JSON.parse(line) as Record<string, any>;
        events.push(event);
        if (event.type === 'ready') resolve(proc(event.url as string));
        for (const w of waiters.splice(0)) w();
      }
    });
    void exited.then((r) => reject(new Error(`listen exited (${r.code}) before ready: ${r.stderr}${r.stdout}`)));
  });

  function proc(url: string): ListenProcess {
    const deliveries = () => events.filter((e) => e.type === 'delivery');
    return {
      url,
      child,
      events,
      deliveries,
      exited,
      waitForDeliveries(n, timeoutMs = 10_000) {
        return this.waitForMatching(n, () => true, timeoutMs);
      },
      waitForMatching(n, match, timeoutMs = 10_000) {
        return new Promise((resolve, reject) => {
          const found = () => deliveries().filter(match);
          const timer = setTimeout(() => reject(new Error(`only ${found().length} of ${n} deliveries after ${timeoutMs} ms`)), timeoutMs);
          const check = () => {
            if (found().length >= n) {
              clearTimeout(timer);
              resolve(found());
            } else if (child.exitCode !== null) {
              clearTimeout(timer);
              reject(new Error(`listen exited with ${found().length} of ${n} deliveries`));
            } else waiters.push(check);
          };
          check();
        });
      },
      stop(signal = 'SIGINT') {
        if (child.exitCode === null) child.kill(signal);
        return exited;
      },
    };
  }
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** POSTs exactly these bytes with exactly these headers (plus Host and Content-Length). */
export function post(url: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST'): Promise<Reply> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const r = request(url, { method, headers: { 'content-type': 'application/json', ...headers, 'content-length': String(bytes.length) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(bytes);
  });
}

/** Adds query parameters to a URL. */
export function withQuery(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.href;
}
