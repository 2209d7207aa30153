// Reads a user's balance from the receiver's own API (`--probe http://…/balance/{user} --probe-path data.points`),
// before and after the run. GET only, bounded by a timeout; the URL and headers are never printed unmasked.
import { sendRaw } from '../http/client.js';
import { parsePath } from '../core/paths.js';
import { CheckFailedError, type CliError, NetworkError, UsageError } from '../output/errors.js';
import { getPath } from './refs.js';

export interface ProbeConfig {
  /** With `{user}` where the user id goes (URL-encoded). */
  url: string;
  /** Where the number is in the JSON answer; undefined: the answer is the number. */
  path?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** --insecure: accept a self-signed certificate. */
  insecure?: boolean;
}

export interface ProbeReading {
  value: number;
  status: number;
  /** 404: a user the receiver does not know yet counts as 0. */
  unknownUser: boolean;
}

export function checkProbe(url: string, path: string | undefined, users: number): void {
  let parsed: URL;
  try {
    parsed = new URL(url.replaceAll('{user}', 'user'));
  } catch {
    parsed = undefined as unknown as URL;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UsageError('bad_option', `--probe: "${url}" is not an http(s) URL`, 'e.g. --probe "http://127.0.0.1:3000/balance/{user}"');
  }
  if (!url.includes('{user}') && users > 1) {
    throw new UsageError('bad_option', `--probe: the scenario credits ${users} users; put {user} in the URL where the user id goes`, 'e.g. --probe "http://127.0.0.1:3000/balance/{user}"');
  }
  if (path !== undefined) parsePath(path);
}

export function probeUrl(template: string, user: string): string {
  return template.replaceAll('{user}', encodeURIComponent(user));
}

/**
 * One reading. `phase` decides what a bad answer is: before the run it is a usage problem (nothing was sent
 * yet, exit 2), after the run the ledger check cannot be made (exit 1). Network failures throw NetworkError (exit 3).
 */
export async function readBalance(cfg: ProbeConfig, user: string, phase: 'before' | 'after'): Promise<ProbeReading> {
  const res = await sendRaw({ url: new URL(probeUrl(cfg.url, user)), method: 'GET', headers: { accept: 'application/json', ...cfg.headers }, body: Buffer.alloc(0), timeoutMs: cfg.timeoutMs, ...(cfg.insecure ? { insecure: true } : {}) }, 64 * 1024).catch((e: unknown) => {
    // The client's words are about a webhook delivery ("answer quickly (process webhooks asynchronously)"): say it
    // was the balance endpoint, and whether anything had been sent yet.
    if (!(e instanceof NetworkError)) throw e;
    const slow = e.code === 'timeout' || e.code === 'connect_timeout';
    throw new NetworkError(e.code, `--probe (${phase} the run, for ${user}): ${e.message}`, phase === 'before' ? `nothing was sent; check that the balance endpoint answers${slow ? ', or raise --timeout' : ''}` : undefined);
  });
  const fail = (message: string): CliError =>
    phase === 'before'
      ? new UsageError('bad_probe', `--probe (before the run, for ${user}): ${message}`, 'nothing was sent; check --probe and --probe-path against your balance endpoint')
      : new CheckFailedError('bad_probe', `--probe (after the run, for ${user}): ${message}`);
  if (res.status === 404) return { value: 0, status: 404, unknownUser: true };
  if (res.status < 200 || res.status >= 300) throw fail(`answered ${res.status} ${res.statusText}`);
  const text = res.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text.trim();
  }
  const found = cfg.path === undefined ? parsed : getPath(parsed, cfg.path);
  const value = typeof found === 'string' && /^-?\d+(\.\d+)?$/.test(found.trim()) ? Number(found) : found;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const where = cfg.path === undefined ? 'the answer is not a number (pass --probe-path to say where the number is)' : `no number at ${cfg.path} in the answer`;
    throw fail(where);
  }
  return { value, status: res.status, unknownUser: false };
}
