// Writes dist/commands.json: what the top-level help shows of every command (name, term, description), read from
// the commands themselves in the bundle just built, so that `cg-hooks --help` lists them without loading them.
// Run by scripts/build.mjs; test/help-summaries.e2e.test.ts checks the list against the commands.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadCli } = require('../bin/cg-hooks.js');
const { cli } = loadCli({ useCache: false });
writeFileSync(new URL('../dist/commands.json', import.meta.url), `${JSON.stringify(await cli.describeCommands(), null, 2)}\n`);
