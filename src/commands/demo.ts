import type { Command } from 'commander';
import * as z from 'zod/mini';
import { runDemo, type DemoReport, type DemoRow, type ForgeryCheck } from '../http/demo.js';
import { EXIT } from '../output/errors.js';
import { loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { err, out, table, writeErr, writeOut } from '../output/style.js';
import { schemeById } from '../signing/index.js';
import type { CredentialName } from '../signing/schemes/types.js';
import { action, collect, parseOptions } from './shared.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({
  provider: z.optional(z.array(z.string())),
  ascii: z.optional(z.boolean()),
  json: z.optional(z.boolean()),
});

function rowCells(r: DemoRow): string[] {
  const detected = r.detectedProvider === r.provider && r.detectedEvent === r.event ? out.green('yes') : out.red(`${r.detectedProvider ?? '-'} ${r.detectedEvent ?? ''}`.trim());
  return [
    r.provider,
    r.event,
    r.status === null ? out.red('-') : r.status === 200 ? out.green(String(r.status)) : out.red(String(r.status)),
    !/invalid|missing|malformed|expired|not received/.test(r.check) && r.check !== 'unsigned' ? out.green(r.check) : r.check === 'unsigned' ? out.dim(r.check) : out.red(r.check),
    r.schema === 'valid' ? out.green('valid') : out.red(r.schema),
    detected,
    r.ok ? out.green('✓ valid') : out.red(`✗ ${r.problems.join(', ') || 'invalid'}`),
  ];
}

function forgeryLine(f: ForgeryCheck): string {
  if (!f.sent) return out.dim(`– forgery check skipped: ${f.skipped}`);
  return `${f.rejected ? out.green('✓') : out.red('✗')} a delivery signed with the wrong secret was ${f.rejected ? 'refused' : 'NOT refused'} (${f.status ?? 'no answer'})${f.diagnosis ? `: ${f.diagnosis}` : ''}`;
}

export function formatDemo(report: DemoReport): string {
  const valid = report.rows.filter((r) => r.ok).length;
  const lines = [
    table(['PROVIDER', 'EVENT', 'STATUS', 'SIGNATURE / AUTH', 'SCHEMA', 'DETECTED', 'VERDICT'], report.rows.map(rowCells)),
    '',
    forgeryLine(report.forged),
    '',
    `${report.ok ? out.green.bold('All valid') : out.red.bold('Some deliveries failed')}: ${valid}/${report.rows.length} deliveries valid in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  return lines.join('\n');
}

const PLACEHOLDERS: Array<[CredentialName, string]> = [
  ['licenseCode', '--license-code <code>'],
  ['user', '--user <user:password>'],
  ['apiKey', '--api-key <key>'],
  ['secret', '--secret <secret>'],
];

/** The credential flags a provider's deliveries carry, from its scheme's needs, with placeholders (never a value). */
function credentialFlags(p: ProviderDef): string {
  const needs = schemeById(p.signing.scheme)?.needs ?? {};
  const wanted = new Set<CredentialName>(needs.oneOf?.[0] ?? []);
  for (const [name] of PLACEHOLDERS) if (needs[name] !== undefined) wanted.add(name);
  return PLACEHOLDERS.filter(([name]) => wanted.has(name)).map(([, flag]) => ` ${flag}`).join('');
}

/** Next steps for the providers the demo showed (CustomerGlu's when it showed them all); at most three. */
export function nextSteps(providers: readonly ProviderDef[], all: boolean): string {
  const shown = all ? providers.filter((p) => p.id === 'customerglu') : providers.slice(0, 3);
  const one = shown.length === 1 ? shown[0] : undefined;
  const url = 'http://127.0.0.1:3000/webhook';
  const lines = ['', 'Next steps:', `  cg-hooks listen --port 3000${one ? ` --provider ${one.id}${credentialFlags(one)}` : ''} --save captures/       # receive real deliveries`];
  for (const p of shown) lines.push(`  cg-hooks send ${p.id} ${p.events[0]?.name ?? '<event>'} --to ${url}${credentialFlags(p)}`);
  for (const p of shown) lines.push(`  cg-hooks test ${url} --provider ${p.id}${credentialFlags(p)}   # check your receiver`);
  return lines.join('\n');
}

export async function run(rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const report = await runDemo({ ...(o.provider ? { providers: [...new Set(o.provider)] } : {}), ...(o.ascii ? { ascii: true } : {}) }, {
    onReady: (url) => {
      if (!o.json) writeErr(err.dim(`cg-hooks listener on ${url}: sending one delivery of every event…`));
    },
  });
  if (o.json) writeOut(jsonText(report));
  else {
    writeOut(formatDemo(report));
    const ids = [...new Set(report.rows.map((r) => r.provider))];
    writeErr(err.dim(nextSteps(await Promise.all(ids.map((id) => loadProvider(id))), o.provider === undefined)));
  }
  return report.ok ? EXIT.ok : EXIT.checkFailed;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('the whole loop offline: a listener on a free port, every provider\'s every event sent to it, a verdict table')
    .option('--provider <id>', 'only this provider (repeatable)', collect)
    .option('--ascii', 'only ASCII in the generated payloads (default: accents, ₹/€/£ and emoji, as real data has)')
    .option('--json', 'the report as one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ npx cg-hooks demo
  $ cg-hooks demo --provider mgpass --provider rehook
  $ cg-hooks demo --json | jq '.rows[] | select(.ok | not)'

Exit codes: 0 every delivery valid and the forged one refused (the forgery is skipped, and said to be, when no
selected provider signs) · 1 otherwise`,
    )
    .action(action(run));
}
