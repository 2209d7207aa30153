// Prints the README's "Providers and events" table from the built catalog, so the two cannot drift.
// Usage: npm run build && node scripts/providers-table.mjs [--write]   (--write updates README.md in place)
import { readFileSync, writeFileSync } from 'node:fs';
import { catalog } from '../dist/index.js';

const providers = await catalog();
const eventList = (events) =>
  events.map((e) => `\`${e.name}\`${e.variants.length ? ` (${e.variants.length} variants)` : ''}${e.origin === 'INFERRED' ? '*' : ''}`).join(', ');
const rows = providers.map((p) => {
  // Providers with several webhook families (mgPass: rewards, identity) list each under its name.
  const events = p.groups?.length
    ? p.groups.map((g) => `${g.name}: ${eventList(p.events.filter((e) => e.group === g.name))}`).join('; ')
    : eventList(p.events);
  const retry = p.retry.attempts > 1 ? `${p.retry.attempts} attempts` : 'none';
  return `| \`${p.id}\` | ${p.name} | ${p.signing.description.replace(/</g, "&lt;")} | ${retry} | ${events} |`;
});
const table = [
  '| id | provider | signing / auth | retries | events |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  '`*` inferred shape: not shown in the provider\'s docs, built from its other API objects. Every documented example is kept',
  'verbatim in `fixtures/<provider>/` and checked against its schema by the tests. `cg-hooks providers <id>` lists the variants.',
].join('\n');

if (process.argv.includes('--write')) {
  const readme = readFileSync('README.md', 'utf8');
  const start = '<!-- providers:table -->';
  const end = '<!-- /providers:table -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  const next = b === -1 ? readme.replace(start, `${start}\n${table}\n${end}`) : `${readme.slice(0, a)}${start}\n${table}\n${readme.slice(b)}`;
  writeFileSync('README.md', next);
} else {
  process.stdout.write(`${table}\n`);
}
