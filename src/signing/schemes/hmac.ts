// A custom HMAC for any other platform: algorithm, header, hex or base64 and a prefix, from flags (`--scheme hmac`).
import type { CustomHmac } from '../types.js';
import { defineHmacScheme } from './define-hmac.js';

const DEFAULT: CustomHmac = { algorithm: 'sha256', header: 'X-Signature', encoding: 'hex' };

export const hmac = defineHmacScheme({
  id: 'hmac',
  label: 'custom HMAC',
  summary: 'any header: hex or base64 HMAC (SHA-1, SHA-256, SHA-512, MD5) of the body, optional prefix (--algorithm, --signature-header, --encoding, --prefix)',
  alwaysSigns: true,
  configurable: true,
  build: (spec, custom) => {
    const c = custom ?? { algorithm: spec?.algorithm ?? DEFAULT.algorithm, header: spec?.header ?? DEFAULT.header, encoding: spec?.encoding ?? DEFAULT.encoding };
    return { label: 'custom HMAC', algorithm: c.algorithm, encoding: c.encoding, prefix: c.prefix ?? '', header: c.header, altHeaders: spec?.altHeaders ?? [], content: 'body', key: 'utf8' };
  },
});
