// Prints the signing scheme table from the built registry (src/signing/registry.ts), so docs and code cannot drift.
// Usage: npm run build && node scripts/schemes-table.mjs [--write]   (--write updates README.md and docs/sign.md
// between their <!-- schemes:table --> markers; test/docs.schemes.test.ts fails when they are out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { schemeCatalog } from '../dist/index.js';

const FLAG = { secret: '`--secret`', apiKey: '`--api-key`', user: '`--user`', licenseCode: '`--license-code`' };

function credentials(needs) {
  const parts = [];
  for (const [name, need] of Object.entries(needs)) if (name !== 'oneOf') parts.push(`${FLAG[name]}${need === 'optional' ? ' (optional)' : ''}`);
  if (needs.oneOf) parts.push(needs.oneOf.map((group) => group.map((n) => FLAG[n]).join(' + ')).join(' or '));
  return parts.join(' and ') || '–';
}

const KEY_RING = {
  'space-list': 'every key signs: `v1,…` (and `v1a,…`) space-separated',
  'stripe-v1': 'every key signs: one `v1=` each',
  'one-key': 'one key signs; verify, listen and test take several',
};

export function schemesTable() {
  const rows = schemeCatalog().map((s) => {
    const ring = s.kind === 'hmac' ? KEY_RING[s.keyRing] : s.kind === 'none' ? '–' : 'verify and listen take several';
    const found = s.identifies.length ? s.identifies.map((h) => `\`${h}\``).join(', ') : 'its provider (or `--scheme`)';
    return `| \`${s.id}\` | ${s.summary.replace(/\|/g, '\\|').replace(/</g, '&lt;')} | ${credentials(s.needs)} | ${ring} | ${found} |`;
  });
  return [
    '| `--scheme` | what is sent | credentials | key ring (`--secret` repeated) | `listen` recognises it by |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const MARKERS = ['<!-- schemes:table -->', '<!-- /schemes:table -->'];

/** The file's text with the table between its markers (or undefined when it has none). */
export function withTable(text, table = schemesTable()) {
  const [start, end] = MARKERS;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return undefined;
  return `${text.slice(0, a)}${start}\n${table}\n${text.slice(b)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    for (const file of ['README.md', 'docs/sign.md']) {
      const next = withTable(readFileSync(file, 'utf8'));
      if (next === undefined) throw new Error(`${file} has no ${MARKERS.join(' … ')} markers`);
      writeFileSync(file, next);
    }
  } else {
    process.stdout.write(`${schemesTable()}\n`);
  }
}
