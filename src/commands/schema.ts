import type { Command } from 'commander';
import * as z from 'zod/mini';
import { didYouMean } from '../core/suggest.js';
import { writeWholeFile } from '../core/write-whole.js';
import { EXIT, UsageError } from '../output/errors.js';
import { SCHEMA_FORMATS, type SchemaFormat } from '../schema/formats.js';
import { err, writeErr } from '../output/style.js';
import { action, parseOptions } from './shared.js';

// Only the format names load with the program: the converters, the providers and `yaml` load when the command runs.
const FORMATS = SCHEMA_FORMATS;
type Format = SchemaFormat;

const Options = z.object({
  all: z.optional(z.boolean()),
  format: z.optional(z.string()),
  output: z.optional(z.string()),
  json: z.optional(z.boolean()),
});

function parseFormat(text: string | undefined): Format {
  if (text === undefined) return 'json-schema';
  const found = FORMATS.find((f) => f === text.toLowerCase());
  if (found) return found;
  const guess = didYouMean(text, FORMATS);
  throw new UsageError('bad_option', `--format: unknown format "${text}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid formats: ${FORMATS.join(', ')}`);
}

const isYaml = (path: string | undefined) => path !== undefined && /\.ya?ml$/i.test(path);

/** Written aside and renamed: an interrupted run never leaves half a document under the real name. */
function writeFileAtomic(path: string, text: string): void {
  if (path.trim() === '') throw new UsageError('missing_option', '-o: give a file name', 'e.g. -o webhooks.json');
  const failed = writeWholeFile(path, text);
  if (failed) throw new UsageError('unwritable_file', `cannot write ${path}: ${failed.message}`, 'check that the directory exists and is writable');
}

export async function run(provider: string | undefined, event: string | undefined, rawOptions: unknown): Promise<number> {
  const o = parseOptions(Options, rawOptions);
  const format = parseFormat(o.format);
  if (o.all && provider !== undefined) {
    throw new UsageError('bad_usage', '--all covers every provider: drop the provider name, or drop --all', 'e.g. `cg-hooks schema --all --format openapi -o webhooks.yaml`');
  }
  if (!o.all && provider === undefined) {
    throw new UsageError('missing_provider', 'name a provider (and optionally an event), or pass --all for every provider', 'e.g. `cg-hooks schema rehook customer.rewarded`; `cg-hooks providers` lists them');
  }
  const { schema } = await import('../schema/index.js');
  const result = await schema({ ...(provider === undefined ? {} : { provider }), ...(event === undefined ? {} : { event }), format });
  for (const at of result.undescribed) writeErr(err.yellow(`warning: ${at}: a refinement has no JSON Schema description, so this schema accepts more than \`listen\` does there`));

  let text: string;
  if (typeof result.document === 'string') text = result.document;
  else if (isYaml(o.output)) {
    // yaml is CommonJS under Node: bundled, its functions may sit on the namespace's default export.
    const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
    const stringify = yaml.stringify ?? yaml.default!.stringify;
    // No anchors or aliases: every schema is spelled out where it is used, as in the JSON form.
    text = stringify(result.document, { aliasDuplicateObjects: false, lineWidth: 0 });
  } else text = `${JSON.stringify(result.document, null, 2)}\n`;

  if (o.output === undefined) {
    process.stdout.write(text);
    return EXIT.ok;
  }
  writeFileAtomic(o.output, text);
  const what = typeof result.document === 'string' ? 'TypeScript' : `${format === 'openapi' ? 'OpenAPI 3.1' : 'JSON Schema'} as ${isYaml(o.output) ? 'YAML' : 'JSON'}`;
  writeErr(err.dim(`wrote ${o.output}: ${what}, ${result.events} event${result.events === 1 ? '' : 's'}`));
  return EXIT.ok;
}

export function register(program: Command): void {
  program
    .command('schema')
    .description('the catalog as JSON Schema, an OpenAPI 3.1 document (webhooks) or TypeScript types')
    .argument('[provider]', 'provider id (see `cg-hooks providers`)')
    .argument('[event]', 'one event of the provider (default: all of them)')
    .option('--all', 'every provider')
    .option('--format <format>', 'json-schema (default), openapi or typescript')
    .option('-o, --output <file>', 'write to a file (YAML when it ends in .yaml or .yml, JSON otherwise)')
    .option('--json', 'errors as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ cg-hooks schema rehook customer.rewarded                    # one event's JSON Schema (2020-12)
  $ cg-hooks schema mgpass -o mgpass.schema.json                # every mgPass event, under $defs
  $ cg-hooks schema --all --format openapi -o webhooks.yaml     # OpenAPI 3.1, one webhook per event
  $ cg-hooks schema mgpass --format typescript -o mgpass-events.ts   # standalone types, no dependency`,
    )
    .action(action(run));
}
