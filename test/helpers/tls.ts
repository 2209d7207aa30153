// A self-signed certificate for 127.0.0.1, made with openssl. No openssl: the caller skips visibly.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type SelfSigned = { key: Buffer; cert: Buffer } | { missing: string };

export function selfSigned(dir: string): SelfSigned {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  if (made.error && (made.error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: 'openssl is not installed: cannot make a certificate' };
  // openssl is there but failed: a broken test environment, said loudly rather than skipped.
  if (made.status !== 0 || !existsSync(cert)) throw new Error(`openssl failed (${made.status}): ${made.stderr}`);
  return { key: readFileSync(key), cert: readFileSync(cert) };
}
