#!/usr/bin/env node
// Tiny launcher, CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader. `--version`
// is answered here, without loading the CLI, because scripts call it often. Everything else runs
// dist/cli-bundle.js, the CLI in one file, compiled with the V8 code cache the build left beside it (dist/cli.cache): V8 then skips
// compiling what start-up and `generate` run. A cache made by another Node version, or for another copy of the
// bundle, is rejected by V8 itself, and the bundle is compiled from source as usual (docs/performance.md).
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'cli-bundle.js');
const CACHE = join(__dirname, '..', 'dist', 'cli.cache');

/**
 * import() for the bundle: V8 forgets a script's dynamic-import handler when its code comes from a cache, so the
 * bundle's imports of external ES modules (undici, ora, inquirer, yaml) run here, in a module Node loaded itself.
 */
const importExternal = (specifier) => import(specifier);

/** Compiles and runs the bundle (a CommonJS module wrapped in a function); returns its exports and the script. */
function loadCli({ useCache = true } = {}) {
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(CACHE);
    } catch {
      cachedData = undefined; // no cache (a build without one): compile from source
    }
  }
  // The file is the module's function, `(function (exports, require, module, __filename, __dirname, __cgImport) {…})`.
  const script = new Script(readFileSync(BUNDLE, 'utf8'), { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE), importExternal);
  return { cli: module.exports, script };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${require('../package.json').version}\n`);
  } else {
    loadCli().cli.main(process.argv);
  }
}

module.exports = { loadCli, CACHE };
