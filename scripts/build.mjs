// Bundles the library and the CLI with esbuild.
// - The library (index, testing, vitest): ES modules with code splitting, so an import loads only what it uses.
// - The CLI: a few packs of CommonJS modules in dist/cli/ (scripts/build-cli.mjs), loaded by bin/cg-hooks.js with
//   a V8 code cache per pack (written by scripts/code-cache.mjs below). Node 20 reads ES modules through its thread
//   pool, one round trip per file, and compiles each from source at every run; a pack is read at once, and the code
//   cache replaces compiling what start-up and `generate` run (docs/performance.md, "Start-up"). Heavy modules that
//   not every command needs (undici, ora, inquirer) stay external and lazily imported.
import { build } from 'esbuild';
import { buildCli } from './build-cli.mjs';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

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

// The CLI: packs of CommonJS modules in dist/cli/, loaded with a V8 code cache (scripts/build-cli.mjs).
// yaml (a quarter of the code) is read only by `scenario` and `schema -o *.yaml`: loaded from node_modules then.
await buildCli({ external: [...common.external, 'yaml'], define: { __CG_HOOKS_VERSION__: JSON.stringify(pkg.version) }, target: common.target });

// The built-in scenarios stay plain files (`cg-hooks scenario show` prints them as written): beside the bundle.
cpSync(new URL('../src/scenarios/builtin/', import.meta.url), new URL('../dist/scenarios/builtin/', import.meta.url), { recursive: true });

// The top-level help's command list (dist/commands.json) and the CLI's code cache (dist/cli.cache), each made by
// running the bundle just built.
for (const script of ['command-summaries.mjs', 'code-cache.mjs']) {
  const r = spawnSync(process.execPath, [new URL(script, import.meta.url).pathname], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/${script} exited ${r.status}`);
}
