// An API key sent as is in X-API-KEY (CustomerGlu's Events API and the sources that forward into it). Not a signature.
import { randomBytes } from 'node:crypto';
import { explainApiKey } from '../explain/credentials.js';
import { signApiKey, verifyApiKey } from './credentials.js';
import { deleteHeader, removeHeader } from './edit.js';
import type { CredentialCases, Scheme } from './types.js';

/** X-API-KEY cases: a key of the same length that differs in its last character (a rotated or mistyped key, not a crash), or none. */
export const apiKeyCases: CredentialCases = {
  words: 'X-API-KEY',
  auth: 'X-API-KEY',
  header: 'X-API-KEY',
  wrong: (given) => ({
    edit: (request) => {
      const key = given.apiKey ?? given.secrets[0]!;
      deleteHeader(request.headers, 'X-API-KEY');
      request.headers['X-API-KEY'] = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
    },
  }),
  remove: removeHeader('X-API-KEY'),
};

export const apiKey: Scheme = {
  id: 'api-key',
  label: 'API key',
  kind: 'credential',
  summary: 'X-API-KEY: the key itself (--api-key); the body is not signed',
  needs: { oneOf: [['apiKey'], ['secret']] },
  needsWhat: 'authenticates with X-API-KEY',
  identifies: [],
  reads: () => ['x-api-key'],
  sign: (_body, options) => signApiKey(options),
  verify: (req, options) => verifyApiKey(req, options),
  check: (req, credentials) => ({ auth: { kind: 'api-key', result: verifyApiKey(req, { secrets: [], ...(credentials.apiKey !== undefined ? { apiKey: credentials.apiKey } : {}) }) } }),
  conformance: { family: () => ({ kind: 'credential', cases: apiKeyCases }) },
  explain: (req, options, result, tried) => explainApiKey(req, options, result, tried),
  keygen: () => ({ secret: `cgk_${randomBytes(24).toString('base64url')}` }),
  exported: (spec) => ({ kind: 'header', header: spec?.header ?? 'X-API-KEY', format: 'raw', holds: 'the X-API-KEY value' }),
};
