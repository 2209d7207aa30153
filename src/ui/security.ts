// Who may talk to the inspector: whoever holds this run's token, through 127.0.0.1 or localhost by name.
// - the token (256 random bits, compared in constant time) keeps out other local users and other pages;
// - the Host check defeats DNS rebinding (a page on evil.example re-pointed at 127.0.0.1 sends Host: evil.example);
// - the Origin check defeats cross-site requests from pages that somehow learnt the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-cg-hooks-token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  return timingSafeEqual(digest(given), digest(token));
}

export interface Refusal {
  status: number;
  message: string;
}

/** The hosts a browser on this machine uses to reach the inspector's port. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/**
 * Checks Host, Origin, Sec-Fetch-Site and the token. `navigation` is the page itself (GET /), which a user
 * may open from a link anywhere; everything else must come from the page.
 */
export function check(req: IncomingMessage, url: URL, token: string, hosts: Set<string>, navigation: boolean): Refusal | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return { status: 403, message: 'forbidden: this inspector answers only to http://127.0.0.1 or http://localhost on its own port' };
  const origin = req.headers.origin;
  // "null" (sandboxed frames, file: pages) and any other scheme or port are foreign.
  if (origin !== undefined && !(origin.toLowerCase().startsWith('http://') && hosts.has(origin.toLowerCase().slice(7)))) {
    return { status: 403, message: 'forbidden: cross-origin request' };
  }
  const site = req.headers['sec-fetch-site'];
  if (!navigation && site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, message: 'forbidden: cross-site request' };
  const given = (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? undefined;
  if (!tokenMatches(given, token)) return { status: 401, message: 'unauthorized: open the inspector with the URL `cg-hooks listen --ui` printed (it carries this run\'s token)' };
  return undefined;
}

/** Every answer: nothing external, nothing inline, not framed, not cached, no referrer (the token is in the URL). */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};
