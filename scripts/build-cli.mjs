// Builds the CLI into dist/cli/: a few "packs", each one plain JavaScript file holding a set of modules, loaded by
// bin/cg-hooks.js with a V8 code cache per pack (written by scripts/code-cache.mjs).
//
// Why packs (docs/performance.md, "Start-up"): a start of the CLI pays for every byte it reads and every file it
// opens. The CLI as one 840 KB bundle made `--help` read and deserialize everything `listen` or `scenario` need;
// esbuild's ES module chunks (one file per shared piece, ~90 of them) cost an open, read and compile each, and
// Node 20 keeps no code cache for ES modules. So esbuild splits the code at the CLI's lazy `import()`s, and the
// chunks are then grouped by the commands that start most: `cli` (what `--help` runs), `generate` (what
// `generate <provider> <event>` adds), `bulk` (the compiled templates `generate --count` adds) and `rest` (every
// other command). A start opens one or two packs.
//
// Each module becomes a CommonJS function in its pack, `"name": function (exports, require, module, __filename,
// __dirname, __cgImport, __cgBundleUrl) {…}`, run only when first required; the launcher's `require` resolves the
// chunk names (`./chunk-….js`) and Node's modules, and `__cgImport` does the same for import().
import { build, transform } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

/** The packs, in the order the launcher finds them: each takes the modules its entries reach that no earlier pack holds. */
const PACKS = [
  { name: 'cli', entries: (src) => src === 'src/cli.ts' },
  { name: 'generate', entries: (src) => src === 'src/commands/generate.ts' || /^src\/providers\/[^/]+\.ts$/.test(src) || /^src\/core\/generate-(parallel|worker)\.ts$/.test(src) },
  // The compiled templates (src/templates/*-compiled.ts), which only long `generate --count` runs load (bodyCompilerFor).
  { name: 'bulk', entries: (src) => /^src\/templates\/[\w-]+-compiled\.ts$/.test(src) },
  { name: 'rest', entries: () => true },
];

// commander requires node:child_process at its top (only for executable subcommands, which cg-hooks has none of):
// loading it, and the net, dgram and stream modules it pulls in, was ~18% of `--help`'s CPU profile. It is
// required when first used instead.
const EAGER_CHILD_PROCESS = /childProcess=(\(0,\w+\.__require\)|require)\("node:child_process"\),/;

// chalk's supports-color asks node:tty whether stdout and stderr are terminals when chalk is imported, and node:tty
// loads net and stream (~10% of a `generate` start) to answer what one fstat answers for a pipe, a file or
// /dev/null. There, and only there, it gets src/output/tty-for-supports-color.ts (the same answers).
let ttyRedirected = 0;
const ttyForSupportsColor = {
  name: 'tty-for-supports-color',
  setup(build) {
    build.onResolve({ filter: /^(node:)?tty$/ }, (args) => {
      if (!/[\\/]supports-color[\\/]/.test(args.importer)) return undefined;
      ttyRedirected++;
      return { path: new URL('../src/output/tty-for-supports-color.ts', import.meta.url).pathname };
    });
  },
};

/**
 * @param {{ external: string[], define: Record<string, string>, target: string }} options
 */
export async function buildCli({ external, define, target }) {
  const out = new URL('../dist/cli/', import.meta.url);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  ttyRedirected = 0;
  const result = await build({
    plugins: [ttyForSupportsColor],
    // generate-worker: a worker thread of `generate --count` (src/core/generate-parallel.ts), a module of the packs.
    entryPoints: { cli: 'src/cli.ts', 'generate-worker': 'src/core/generate-worker.ts' },
    outdir: 'dist/cli',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target,
    external,
    // No comments or indentation: fewer bytes to read at every start, and plain ASCII (one byte per character
    // in V8's heap instead of two). Names are kept, so stack traces (--debug) still name the functions.
    minifySyntax: true,
    minifyWhitespace: true,
    // The sources locate files in dist/ with import.meta.url: the launcher passes the URL of dist/cli.js.
    define: { ...define, 'import.meta.url': '__cgBundleUrl' },
    chunkNames: '[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });

  const outputs = result.metafile.outputs;
  const base = (path) => path.slice(path.lastIndexOf('/') + 1);
  const names = Object.keys(outputs).map(base);
  const byName = new Map(Object.keys(outputs).map((path) => [base(path), outputs[path]]));
  /** The modules a module needs before it runs: itself and what it imports statically, transitively. */
  const reach = (name, seen) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of byName.get(name).imports) if (i.kind === 'import-statement' && byName.has(base(i.path))) reach(base(i.path), seen);
  };
  const packOf = new Map();
  for (const pack of PACKS) {
    const seen = new Set();
    for (const name of names) if (byName.get(name).entryPoint && pack.entries(byName.get(name).entryPoint)) reach(name, seen);
    for (const name of seen) if (!packOf.has(name)) packOf.set(name, pack.name);
  }

  const modules = Object.fromEntries(PACKS.map((p) => [p.name, []]));
  let childProcessMadeLazy = 0;
  for (const file of result.outputFiles) {
    const name = base(file.path);
    let { code } = await transform(file.text, { format: 'cjs', platform: 'node', target, minifySyntax: true, minifyWhitespace: true });
    code = code.replace(EAGER_CHILD_PROCESS, (_all, req) => {
      childProcessMadeLazy++;
      return `childProcess={get spawn(){return ${req}("node:child_process").spawn}},`;
    });
    // The exports object esbuild made (live getters) is the module's exports as it is: __toCommonJS would copy every
    // getter into a second object whose getters call the first (for zod's hundreds of exports, ~150 KB of start-up
    // garbage, and two calls per use of an export from another module).
    const exportsCopied = 'module.exports=__toCommonJS(stdin_exports)';
    if (code.split(exportsCopied).length > 2) throw new Error(`dist/cli/${name}: more than one ${exportsCopied}`);
    code = code.replace(exportsCopied, 'module.exports=__defProp(stdin_exports,"__esModule",{value:!0})');
    // V8 drops a script's dynamic-import handler when the script comes from a code cache (Node 20: "A dynamic
    // import callback was not specified"), so every import() goes through the launcher's `__cgImport`.
    code = code.replace(/\bimport\((?="[^"\n]+"\))/g, '__cgImport(');
    if (/[^\x00-\x7f]/.test(code)) throw new Error(`dist/cli/${name}: not ASCII (the launcher reads the packs as Latin-1)`);
    if (/\bimport\((?=["'`])/.test(code)) throw new Error(`dist/cli/${name}: an import() the launcher does not handle is left`);
    modules[packOf.get(name)].push(`${JSON.stringify(name)}:function(exports,require,module,__filename,__dirname,__cgImport,__cgBundleUrl){${code}\n}`);
  }
  if (ttyRedirected !== 1) throw new Error(`dist/cli: supports-color's import of node:tty found ${ttyRedirected} times, not once`);
  if (childProcessMadeLazy !== 1) throw new Error(`dist/cli: commander's require of node:child_process found ${childProcessMadeLazy} times, not once`);

  // The first pack also says where every other module is, so a command opens only the packs it needs.
  const elsewhere = Object.fromEntries([...packOf].filter(([, pack]) => pack !== PACKS[0].name));
  for (const [i, pack] of PACKS.entries()) {
    const where = i === 0 ? `,where:${JSON.stringify(elsewhere)}` : '';
    writeFileSync(new URL(`${pack.name}.js`, out), `({modules:{${modules[pack.name].join(',')}}${where}})\n`);
  }
  // A worker thread's entry: the packs loaded as the launcher loads them (their code caches too), then the worker's module.
  writeFileSync(new URL('generate-worker.cjs', out), `'use strict';\nrequire('../../bin/cg-hooks.js').loadCli().loader.load('generate-worker.js').runGenerateWorker();\n`);
}
