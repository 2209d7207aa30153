import type { Command } from 'commander';
import * as z from 'zod/mini';
import { catalog, providerInfo, type ProviderInfo } from '../core/catalog.js';
import { EXIT } from '../output/errors.js';
import { out, table, writeOut } from '../output/style.js';
import { schemeById } from '../signing/index.js';
import { action, parseOptions } from './shared.js';
import { jsonText } from '../core/json-text.js';

const Options = z.object({ json: z.optional(z.boolean()) });

function retryText(p: ProviderInfo): string {
  if (p.retry.attempts <= 1) return 'none';
  return `${p.retry.attempts} attempts (${p.retry.delaysMs.map((d) => `${d / 1000}s`).join(', ')})`;
}

export function formatProviders(providers: ProviderInfo[]): string {
  const rows = providers.map((p) => [
    out.cyan(p.id),
    p.name,
    p.groups?.length ? `${p.events.length} (${p.groups.length} groups)` : String(p.events.length),
    schemeById(p.signing.scheme)?.kind === 'none' ? out.dim('none') : `${p.signing.scheme}${p.signing.header ? ` (${p.signing.header})` : ''}`,
    retryText(p),
  ]);
  return `${table(['PROVIDER', 'NAME', 'EVENTS', 'SIGNING', 'RETRIES'], rows)}\n\nRun \`cg-hooks providers <provider>\` for its events and variants.`;
}

export function formatProvider(p: ProviderInfo): string {
  const lines = [
    `${out.bold(p.name)} ${out.dim(`(${p.id})`)}: ${p.description}`,
    '',
    `${out.bold('Signing')}   ${p.signing.description}`,
    `${out.bold('Headers')}   ${Object.entries(p.headers).map(([k, v]) => `${k}: ${v}`).join(', ') || '-'}`,
    `${out.bold('Retries')}   ${p.retry.description}`,
  ];
  if (p.endpoint) lines.push(`${out.bold('Endpoint')}  ${p.endpoint}`);
  if (p.timeoutMs) lines.push(`${out.bold('Timeout')}   ${p.timeoutMs / 1000}s on the sender's side`);
  const eventTable = (events: ProviderInfo['events']) =>
    table(
      ['EVENT', 'SOURCE', 'DESCRIPTION'],
      events.map((e) => [out.cyan(e.name), e.origin === 'DOC' ? 'doc' : out.yellow('inferred'), e.description]),
    );
  if (p.groups?.length) {
    // One table per webhook family: each has its own envelope, so a receiver usually handles them apart.
    for (const g of p.groups) {
      const events = p.events.filter((e) => e.group === g.name);
      if (events.length === 0) continue;
      lines.push('', `${out.bold(g.title)} ${out.dim(`(${g.name}, ${events.length} events)`)}: ${g.description}`, eventTable(events));
    }
    const rest = p.events.filter((e) => !p.groups!.some((g) => g.name === e.group));
    if (rest.length > 0) lines.push('', eventTable(rest));
  } else {
    lines.push('', eventTable(p.events));
  }
  const withVariants = p.events.filter((e) => e.variants.length > 0);
  for (const e of withVariants) {
    lines.push('', `${out.bold(`Variants of ${e.name}`)} (--variant, default ${e.variants[0]!.name}):`);
    for (const v of e.variants) lines.push(`  ${out.cyan(v.name.padEnd(22))} ${v.description}`);
  }
  const aliases = p.events.filter((e) => e.aliases.length > 0);
  for (const e of aliases) lines.push('', `${e.name} is also accepted as: ${e.aliases.join(', ')}`);
  for (const e of p.events.filter((x) => x.mappable)) {
    lines.push('', `${e.name} can be reshaped to a tenant's own payload schema: --mapping file.json (see docs/mappings.md)`);
  }
  const examples = p.groups?.length ? p.groups.map((g) => p.events.find((e) => e.group === g.name)?.name).filter((n) => n !== undefined) : [p.events[0]?.name ?? '<event>'];
  lines.push('', ...examples.map((name, i) => `${i === 0 ? 'Example:' : '        '} cg-hooks generate ${p.id} ${name} --pretty`));
  return lines.join('\n');
}

export async function run(provider: string | undefined, rawOptions: unknown): Promise<number> {
  const options = parseOptions(Options, rawOptions);
  if (provider) {
    const info = await providerInfo(provider);
    writeOut(options.json ? jsonText(info) : formatProvider(info));
  } else {
    const all = await catalog();
    writeOut(options.json ? jsonText({ providers: all }) : formatProviders(all));
  }
  return EXIT.ok;
}

export function register(program: Command): void {
  program
    .command('providers')
    .description('list providers, their events and variants, signing scheme, headers and retry policy')
    .argument('[provider]', 'show one provider in detail')
    .option('--json', 'the catalog as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks providers
  $ cg-hooks providers rehook
  $ cg-hooks providers --json | jq '.providers[].id'`,
    )
    .action(action(run));
}
