// Requests as src/http sends them: built in src/core/request-build.ts (pure), masked for display by src/core/redact.ts.
import type { SendRequest } from '../core/request-build.js';
import { isCredentialHeader, redactUrl } from '../core/redact.js';

export { USER_AGENT, buildSendRequest, hasHeader, parseHeader, parseTargetUrl, type BuildRequestInput, type PreparedRequest, type SendRequest } from '../core/request-build.js';
export { isCredentialHeader as isSecretHeader, maskHeaderValue, maskHeaders as maskedHeaders, redactUrl as maskedUrl } from '../core/redact.js';

/** True when the request carries something `maskedHeaders`/`maskedUrl` would hide. */
export function hasSecrets(request: SendRequest): boolean {
  return Object.keys(request.headers).some(isCredentialHeader) || redactUrl(request.url) !== request.url;
}
