#!/usr/bin/env node
// Tiny launcher. `--version` is answered here, without loading the CLI bundle, because scripts call it often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const cli = await import('../dist/cli.js');
  await cli.main(process.argv);
}
