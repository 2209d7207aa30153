#!/usr/bin/env node
// Tiny launcher, CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader, which is
// most of what `--version` cost. `--version` is answered here, without loading the CLI bundle, because scripts
// call it often.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  import('../dist/cli.js').then((cli) => cli.main(process.argv));
}
