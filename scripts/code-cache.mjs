// Writes dist/cli/<pack>.cache: V8's code cache for each pack of the CLI (scripts/build-cli.mjs), made after running
// what start-up runs most (the top-level help, `generate customerglu reward`), so that the cache holds the compiled
// code of every function those ran, not just the packs' top level. The `rest` pack's modules (every other command)
// are then run to their top level too. The `generate` pack's other providers are not: V8 reads a whole cache at
// every start, and compiling a provider's top level the first time it is used costs less than reading it always.
// Nor are the `bulk` pack's (the compiled templates): their top level runs `generate`'s text helpers, whose compiled
// code grew generate.cache by 26 KB, read by every start, for the long `--count` runs that alone load them.
// bin/cg-hooks.js hands each cache to V8, which uses it when it matches the pack and the Node version, and ignores
// it otherwise. Run by scripts/build.mjs, in a process of its own; nothing it generates is printed.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { loadCli, DIR } = require('../bin/cg-hooks.js');
const { cli, packs, loader } = loadCli({ useCache: false });

// The top-level help, as `cg-hooks --help` builds it (the command list from dist/commands.json).
(await cli.buildProgram(['node', 'cg-hooks', '--help'])).helpInformation();

// Then `generate` end to end; its exit writes the caches (main() always ends in process.exit).
const exit = process.exit.bind(process);
process.stdout.write = (_chunk, _encoding, callback) => (typeof callback === 'function' && callback(), typeof _encoding === 'function' && _encoding(), true);
process.exit = (code) => {
  if (code !== 0) {
    process.stderr.write(`scripts/code-cache.mjs: generate exited ${code}: no code cache written\n`);
    exit(1);
  }
  loader.loadAll(['rest']);
  for (const [name, pack] of packs) writeFileSync(join(DIR, `${name}.cache`), pack.script.createCachedData());
  exit(0);
};
await cli.main(['node', 'cg-hooks', 'generate', 'customerglu', 'reward', '--seed', 'code-cache']);
