// --explain for schemes that send a credential rather than a MAC over the body: WebEngage's md5, an API key, Basic.
// Each scheme module picks its explainer; nothing here knows a scheme by name.
import { md5hex, safeEqual } from '../hmac.js';
import type { RequestParts, VerifyOptions, VerifyResult } from '../types.js';
import type { Explanation, Finding } from './report.js';
import type { ExplainCause } from './variants.js';

type Tried = Explanation['tried'];

/** The answers every credential shares: valid as is, or nothing to compare. */
function settled(result: VerifyResult, tried: Tried): Explanation | undefined {
  if (result.valid) return { verdict: 'valid', result, summary: result.reason, findings: [], tried };
  if (result.status === 'missing') {
    const findings: Finding[] = [{ cause: 'missing-signature', title: `${result.reason[0]!.toUpperCase()}${result.reason.slice(1)}.`, detail: ['The sender did not attach the credential, or a proxy removed it.'], fix: 'configure the key on the sender' }];
    return { verdict: 'explained', result, summary: findings[0]!.title, findings, tried };
  }
  return undefined;
}

const explained = (result: VerifyResult, tried: Tried, findings: Finding[]): Explanation => ({ verdict: 'explained', result, summary: findings[0]!.title, findings, tried });

function unexplained(result: VerifyResult, tried: Tried): Explanation {
  const findings: Finding[] = [{ cause: 'no-match', title: 'The credential does not match the configured one.', detail: ['Likely a test key against live traffic, another environment\'s key, or a rotated key.'], fix: 'check the key configured on the sender' }];
  return { verdict: 'unexplained', result, summary: findings[0]!.title, findings, tried };
}

/** WebEngage: secret = md5hex("<licenseCode>:<secretKey>"); tries the usual ways of building it wrong. */
export function explainQueryMd5(req: RequestParts, options: VerifyOptions, result: VerifyResult, tried: Tried): Explanation {
  const done = settled(result, tried);
  if (done) return done;
  const got = (options.signature ?? req.query?.secret ?? '').trim();
  const license = options.licenseCode ?? req.query?.licenseCode ?? '';
  const tries: [string, string, ExplainCause][] = [];
  for (const s of options.secrets) {
    tries.push([md5hex(`${license}:${s.trim()}`), 'the secret key with its surrounding whitespace removed', 'secret-format']);
    tries.push([md5hex(`${s}:${license}`), '"<secretKey>:<licenseCode>" (reversed order)', 'signed-content']);
    tries.push([md5hex(`${license}${s}`), '"<licenseCode><secretKey>" (no colon)', 'signed-content']);
    tries.push([md5hex(s), 'the secret key alone', 'signed-content']);
    if (req.query?.licenseCode && options.licenseCode && req.query.licenseCode !== options.licenseCode) {
      tries.push([md5hex(`${req.query.licenseCode}:${s}`), `the licenseCode from the query (${req.query.licenseCode}) instead of yours`, 'secret-format']);
    }
  }
  tried.hmacs = tries.length;
  const hit = tries.find(([h]) => safeEqual(h, got.toLowerCase()));
  if (!hit) return unexplained(result, tried);
  const findings: Finding[] = [{ cause: hit[2], title: `The secret parameter is md5 of ${hit[1]}.`, detail: ['WebEngage sends secret = md5hex("<licenseCode>:<webhookSecretKey>").'], fix: 'compute md5hex(`${licenseCode}:${secretKey}`) with the exact license code and key' }];
  if (got !== got.toLowerCase()) findings.push({ cause: 'signature-format', title: 'The md5 is written in uppercase hex; WebEngage writes lowercase.', detail: [], fix: 'compare lowercase hex' });
  return explained(result, tried, findings);
}

/** An API key in a header: letter case. (Whitespace around either side already verifies: the check trims both.) */
export function explainApiKey(req: RequestParts, options: VerifyOptions, result: VerifyResult, tried: Tried): Explanation {
  const done = settled(result, tried);
  if (done) return done;
  const given = (options.signature ?? req.headers['x-api-key'] ?? '').trim();
  const keys = options.apiKey !== undefined ? [options.apiKey] : options.secrets;
  for (const k of keys) {
    if (safeEqual(given.toLowerCase(), k.trim().toLowerCase())) {
      return explained(result, tried, [{ cause: 'secret-format', title: 'The key differs only in letter case.', detail: ['API keys are compared exactly.'], fix: 'copy the key exactly' }]);
    }
  }
  return unexplained(result, tried);
}

/** HTTP Basic auth: whitespace, or which half (user id, password) differs. */
export function explainBasic(req: RequestParts, options: VerifyOptions, result: VerifyResult, tried: Tried): Explanation {
  const done = settled(result, tried);
  if (done) return done;
  const given = (options.signature ?? req.headers.authorization ?? '').trim();
  const want = `Basic ${Buffer.from((options.user ?? '').trim(), 'utf8').toString('base64')}`;
  if (safeEqual(given, want)) {
    return explained(result, tried, [{ cause: 'secret-format', title: 'The credential matches once the whitespace around your configured value is removed.', detail: [], fix: 'trim the configured value where you load it' }]);
  }
  if (given.startsWith('Basic ') && options.user !== undefined) {
    const [u] = Buffer.from(given.slice(6), 'base64').toString('utf8').split(':');
    const [wantUser] = options.user.split(':');
    return explained(result, tried, [{ cause: 'no-match', title: u === wantUser ? 'The user id matches; the password does not.' : `The user id differs (got "${u}").`, detail: [], fix: 'check the credentials set in the sender\'s dashboard' }]);
  }
  return unexplained(result, tried);
}
