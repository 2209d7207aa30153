// Bundles the CLI and the library with esbuild. Bundling (with code splitting) is what keeps
// `cg-hooks --help` and `generate` fast: zod and commander load from one file instead of hundreds,
// and heavy modules (undici, ora, inquirer) stay in lazily imported chunks or external packages.
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts', testing: 'src/testing.ts', vitest: 'src/vitest.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  // Bundled: small, on the start-up path. External: loaded only by the commands that need them.
  // vitest: the optional peer of `cg-hooks/vitest`, always the user's own copy.
  external: ['undici', 'ora', '@inquirer/prompts', 'vitest'],
  define: { __CG_HOOKS_VERSION__: JSON.stringify(pkg.version) },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  minifySyntax: true,
  // commander is CommonJS and requires node built-ins; give the ESM bundle a real `require` for them.
  banner: { js: "import { createRequire as __cgCreateRequire } from 'node:module'; const require = __cgCreateRequire(import.meta.url);" },
  logLevel: 'warning',
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
// The built-in scenarios stay plain files (`cg-hooks scenario show` prints them as written): beside the bundle.
cpSync(new URL('../src/scenarios/builtin/', import.meta.url), new URL('../dist/scenarios/builtin/', import.meta.url), { recursive: true });
