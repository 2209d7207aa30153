// Writes dist/cli.cache: V8's code cache for the CLI bundle (dist/cli-bundle.js), made after running what start-up
// runs most (the top-level help, `generate customerglu reward`), so that it holds the compiled code of every
// function those ran, not just the bundle's top level. bin/cg-hooks.js hands it to V8, which uses it when it
// matches the bundle and the Node version, and ignores it otherwise. Run by scripts/build.mjs, in a process of
// its own; nothing it generates is printed.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadCli, CACHE } = require('../bin/cg-hooks.js');
const { cli, script } = loadCli({ useCache: false });

// The top-level help, as `cg-hooks --help` builds it (the command list from dist/commands.json).
(await cli.buildProgram(['node', 'cg-hooks', '--help'])).helpInformation();

// Then `generate` end to end; its exit writes the cache (main() always ends in process.exit).
const exit = process.exit.bind(process);
process.stdout.write = (_chunk, _encoding, callback) => (typeof callback === 'function' && callback(), typeof _encoding === 'function' && _encoding(), true);
process.exit = (code) => {
  if (code !== 0) {
    process.stderr.write(`scripts/code-cache.mjs: generate exited ${code}: no code cache written\n`);
    exit(1);
  }
  writeFileSync(CACHE, script.createCachedData());
  exit(0);
};
await cli.main(['node', 'cg-hooks', 'generate', 'customerglu', 'reward', '--seed', 'code-cache']);
