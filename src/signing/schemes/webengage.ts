// WebEngage: ?eventType=&licenseCode=&secret=md5hex("<licenseCode>:<webhookSecretKey>") in the URL; the body is not signed.
import { randomBytes } from 'node:crypto';
import { explainQueryMd5 } from '../explain/credentials.js';
import { signWebEngage, verifyWebEngage } from './credentials.js';
import type { CredentialCases, Scheme } from './types.js';

const webengageCases: CredentialCases = {
  words: 'the secret query parameter',
  auth: 'query secret=md5(licenseCode:secret)',
  header: 'secret',
  wrong: (given) => ({ sign: { secret: `${given.secrets[0]}-wrong` } }),
  remove: (request) => void delete request.query.secret,
};

export const webengage: Scheme = {
  id: 'webengage',
  label: 'WebEngage',
  kind: 'credential',
  summary: 'query secret=md5hex("<licenseCode>:<secretKey>") beside licenseCode and eventType; the body is not signed',
  needs: { secret: 'required', licenseCode: 'required' },
  needsWhat: 'puts md5(licenseCode:secret) in the URL',
  identifies: [],
  reads: () => [],
  sign: (_body, options) => signWebEngage(options),
  verify: (req, options) => verifyWebEngage(req, options),
  check: (req, credentials) => ({
    auth: { kind: 'webengage-secret', result: verifyWebEngage(req, { secrets: credentials.secrets, ...(credentials.licenseCode !== undefined ? { licenseCode: credentials.licenseCode } : {}) }) },
  }),
  conformance: { family: () => ({ kind: 'credential', cases: webengageCases }) },
  explain: (req, options, result, tried) => explainQueryMd5(req, options, result, tried),
  keygen: () => ({ secret: randomBytes(16).toString('hex') }),
  exported: () => ({ kind: 'query-md5', holds: 'the WebEngage webhook secret key' }),
};
