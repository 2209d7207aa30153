#!/usr/bin/env node
// Tiny launcher, CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader. `--version`
// is answered here, without loading the CLI, because scripts call it often. Everything else runs the CLI from
// dist/cli/: a few packs of modules (scripts/build-cli.mjs), each compiled with the V8 code cache the build left
// beside it (`<pack>.cache`), so V8 skips compiling what start-up and `generate` run, and a command opens only the
// packs it needs (`--help` one, `generate` two). A cache made by another Node version, or for another copy of a
// pack, is rejected by V8 itself, and that pack is compiled from source as usual (docs/performance.md).
'use strict';
const { readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const DIR = join(__dirname, '..', 'dist', 'cli');
/** The pack `--help` needs; it also says which pack holds every other module. */
const FIRST_PACK = 'cli';

/**
 * A loader for the CLI's modules. Each module is a CommonJS function in a pack, run on its first `require`; its
 * `require` resolves the other modules (`./chunk-….js`) and Node's own, and its `__cgImport` does the same for
 * import(): V8 forgets a script's dynamic-import handler when its code comes from a cache, so the imports of
 * external ES modules (undici, ora, inquirer, yaml) run here, in a module Node loaded itself.
 */
function createLoader({ useCache = true } = {}) {
  // Required here, not at the top: `--version` needs none of them.
  const { createRequire } = require('node:module');
  const { pathToFileURL } = require('node:url');
  const { Script } = require('node:vm');
  /** @type {Map<string, { modules: Record<string, Function>, script: import('node:vm').Script }>} */
  const packs = new Map();
  const loaded = new Map();
  let where = {};
  // The sources find files in dist/ (commands.json, ui/, scenarios/) relative to import.meta.url: the modules live in dist/cli.
  const moduleUrl = pathToFileURL(DIR).href;
  const nodeRequire = createRequire(join(DIR, FIRST_PACK));

  function openPack(name) {
    let pack = packs.get(name);
    if (pack !== undefined) return pack;
    const file = join(DIR, `${name}.js`);
    let cachedData;
    if (useCache) {
      try {
        cachedData = readFileSync(join(DIR, `${name}.cache`));
      } catch {
        cachedData = undefined; // no cache (a build without one): compile from source
      }
    }
    let source;
    try {
      source = readFileSync(file, 'latin1'); // ASCII only (scripts/build-cli.mjs checks): no UTF-8 decoding needed
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      throw new Error(`${file} is missing from this installation: reinstall cg-hooks (in a checkout: npm run build)`);
    }
    const script = new Script(source, { filename: file, cachedData });
    const contents = script.runInThisContext();
    pack = { modules: contents.modules, script };
    if (contents.where !== undefined) where = contents.where;
    packs.set(name, pack);
    return pack;
  }

  function load(name) {
    const done = loaded.get(name);
    if (done !== undefined) return done.exports;
    const run = openPack(FIRST_PACK).modules[name] ?? (where[name] !== undefined ? openPack(where[name]).modules[name] : undefined);
    if (run === undefined) throw new Error(`${name} is missing from the packs in ${DIR}: reinstall cg-hooks (in a checkout: npm run build)`);
    const module = { exports: {} };
    loaded.set(name, module); // before it runs, as Node does, so that a cycle sees the exports begun
    try {
      run(module.exports, requireFromPack, module, join(DIR, name), DIR, importFromPack, moduleUrl);
    } catch (error) {
      loaded.delete(name); // as Node does: a module that failed to load is not half-loaded for the next require
      throw error;
    }
    return module.exports;
  }

  const isModuleOfPack = (id) => id.charCodeAt(0) === 46 /* . */ && id.charCodeAt(1) === 47; /* / */
  function requireFromPack(id) {
    return isModuleOfPack(id) ? load(id.slice(2)) : nodeRequire(id);
  }
  requireFromPack.resolve = nodeRequire.resolve;
  const importFromPack = (id) => (isModuleOfPack(id) ? new Promise((resolve) => resolve(load(id.slice(2)))) : import(id));

  /** Every module of the packs named (all packs when none are), run: for the build's code cache (scripts/code-cache.mjs). */
  function loadAll(only) {
    openPack(FIRST_PACK);
    for (const name of new Set(Object.values(where))) openPack(name);
    for (const [packName, pack] of [...packs]) if (!only || only.includes(packName)) for (const name of Object.keys(pack.modules)) load(name);
  }

  /** Which pack holds each module that is not in the first one (for the tests). */
  const whereIs = () => (openPack(FIRST_PACK), { ...where });

  return { load, loadAll, packs, where: whereIs };
}

/** Loads the CLI (the `cli` module); `packs` says which packs were opened and whether V8 took each one's cache. */
function loadCli(options) {
  const loader = createLoader(options);
  return { cli: loader.load('cli.js'), packs: loader.packs, loader };
}

/**
 * Straight to descriptor 1: making process.stdout loads Node's stream modules (a few % of a `--version` start).
 * A descriptor another process made non-blocking (EAGAIN) gets it through the stream; a reader gone is not an error.
 */
function printVersion(text) {
  const bytes = Buffer.from(text);
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at, bytes.length - at);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(bytes.subarray(at));
    else if (error.code !== 'EPIPE') {
      // The same line as every other command's on a full disk (src/output/stdout.ts), before any pack is loaded.
      const reason = error.code === 'ENOSPC' ? 'no space left on the device' : error.code === 'EFBIG' ? 'the file is too large' : error.message;
      process.stderr.write(`error: stdout: cannot write: ${reason}\nhint: free some space on that device, or send the output somewhere else\n`);
      process.exitCode = 2;
    }
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    printVersion(`${require('../package.json').version}\n`);
  } else {
    loadCli().cli.main(process.argv);
  }
}

module.exports = { loadCli, DIR };
