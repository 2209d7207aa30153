// HTTP Basic auth (Rehook): optional, set in the sender's dashboard; the body is not signed.
import { randomBytes } from 'node:crypto';
import { explainBasic } from '../explain/credentials.js';
import { signBasic, verifyBasic } from './credentials.js';
import { removeHeader } from './edit.js';
import type { CredentialCases, Scheme } from './types.js';

/** user:password with the password changed (the user id kept, as a rotated password would be). */
export function wrongUser(user: string): string {
  const i = user.indexOf(':');
  return i < 0 ? `${user}:wrong-password` : `${user.slice(0, i)}:${user.slice(i + 1)}-wrong`;
}

const basicCases: CredentialCases = {
  words: 'basic auth (Authorization)',
  auth: 'HTTP Basic auth',
  header: 'Authorization',
  skip: (given) => (given.user === undefined ? 'no --user given (basic auth is optional for this provider): pass --user u:p to test it' : undefined),
  wrong: (given) => ({ sign: { user: wrongUser(given.user!) } }),
  remove: removeHeader('Authorization'),
};

export const basic: Scheme = {
  id: 'basic',
  label: 'HTTP Basic auth',
  kind: 'credential',
  summary: 'Authorization: Basic base64(user:password) (--user), optional; the body is not signed',
  needs: { user: 'optional' },
  needsWhat: 'checks HTTP Basic auth',
  identifies: [],
  reads: () => ['authorization'],
  sign: (_body, options) => signBasic(options),
  verify: (req, options) => verifyBasic(req, options),
  check: (req, credentials) => ({ auth: { kind: 'basic', result: verifyBasic(req, { secrets: [], ...(credentials.user !== undefined ? { user: credentials.user } : {}) }) } }),
  conformance: { family: () => ({ kind: 'credential', cases: basicCases }) },
  explain: (req, options, result, tried) => explainBasic(req, options, result, tried),
  keygen: () => ({ secret: `cg-hooks:${randomBytes(18).toString('base64url')}` }),
  exported: () => ({ kind: 'header', header: 'Authorization', format: 'basic', holds: 'user:password for HTTP Basic auth' }),
};
