// Bundles the library and the CLI with esbuild.
// - The library (index, testing, vitest): ES modules with code splitting, so an import loads only what it uses.
// - The CLI: one file in CommonJS form, dist/cli-bundle.js, loaded by bin/cg-hooks.js with a V8 code cache
//   (dist/cli.cache, written by scripts/code-cache.mjs below). Node 20 reads ES modules through its thread pool, one round trip per
//   file, and compiles each from source at every run; a CommonJS file is read at once, and the code cache replaces
//   compiling what start-up and `generate` run (docs/performance.md, "Start-up"). Heavy modules that not every
//   command needs (undici, ora, inquirer) stay external and lazily imported.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  // vitest: the optional peer of `cg-hooks/vitest`, always the user's own copy.
  external: ['undici', 'ora', '@inquirer/prompts', 'vitest'],
  sourcemap: false,
  minifySyntax: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { index: 'src/index.ts', testing: 'src/testing.ts', vitest: 'src/vitest.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  define: { __CG_HOOKS_VERSION__: JSON.stringify(pkg.version) },
  chunkNames: 'chunks/[name]-[hash]',
  // commander is CommonJS and requires node built-ins; give the ESM bundle a real `require` for them.
  banner: { js: "import { createRequire as __cgCreateRequire } from 'node:module'; const require = __cgCreateRequire(import.meta.url);" },
});

// The inspector's page (`listen --ui`): one script and one stylesheet, no framework, nothing fetched from
// elsewhere. Served from dist/ui/ by src/ui/assets.ts; the page's Content-Security-Policy allows only these.
await build({
  entryPoints: { app: 'src/ui/web/main.ts' },
  outdir: 'dist/ui',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
mkdirSync(new URL('../dist/ui/', import.meta.url), { recursive: true });
for (const file of ['index.html', 'app.css']) copyFileSync(new URL(`../src/ui/web/${file}`, import.meta.url), new URL(`../dist/ui/${file}`, import.meta.url));

const cli = await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  write: false,
  // yaml (a quarter of the bundle) is read only by `scenario` and `schema -o *.yaml`: loaded from node_modules then.
  external: [...common.external, 'yaml'],
  // No comments or indentation: half the bytes to read at every start, and plain ASCII (one byte per character
  // in V8's heap instead of two). Names are kept, so stack traces (--debug) still name the functions.
  minifyWhitespace: true,
  format: 'cjs',
  // The sources locate files beside the bundle with import.meta.url: the bundle's own URL.
  define: { __CG_HOOKS_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__cgBundleUrl' },
  // The file is one function expression, which bin/cg-hooks.js compiles (with the code cache) and calls like a
  // CommonJS module, plus `__cgImport`: its own import(), for the external ES modules (see below).
  banner: { js: "(function (exports, require, module, __filename, __dirname, __cgImport) {const __cgBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '\n})' },
});
// V8 drops a script's dynamic-import handler when the script comes from a code cache (Node 20: "A dynamic import
// callback was not specified"), so import() runs in the launcher instead: `await import("undici")` becomes
// `await __cgImport("undici")`. Only the imports of external packages are left as import() by esbuild.
const [bundle] = cli.outputFiles;
const dynamic = /\bimport\((?="[^"\n]+"\))/g;
// commander requires node:child_process at its top (only for executable subcommands, which cg-hooks has none of):
// loading it, and the net, dgram and stream modules it pulls in, was ~18% of `--help`'s CPU profile. It is
// required when first used instead.
const eagerChildProcess = 'childProcess=require("node:child_process"),';
if (bundle.text.split(eagerChildProcess).length !== 2) throw new Error('dist/cli-bundle.js: commander\'s require of node:child_process not found once');
const text = bundle.text
  .replace(dynamic, '__cgImport(')
  .replace(eagerChildProcess, 'childProcess={get spawn(){return require("node:child_process").spawn}},');
if (/\bimport\((?=["'`])/.test(text)) throw new Error('dist/cli-bundle.js: an import() the launcher does not handle is left');
writeFileSync(new URL('../dist/cli-bundle.js', import.meta.url), text);

// The built-in scenarios stay plain files (`cg-hooks scenario show` prints them as written): beside the bundle.
cpSync(new URL('../src/scenarios/builtin/', import.meta.url), new URL('../dist/scenarios/builtin/', import.meta.url), { recursive: true });

// The top-level help's command list (dist/commands.json) and the CLI's code cache (dist/cli.cache), each made by
// running the bundle just built.
for (const script of ['command-summaries.mjs', 'code-cache.mjs']) {
  const r = spawnSync(process.execPath, [new URL(script, import.meta.url).pathname], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/${script} exited ${r.status}`);
}
