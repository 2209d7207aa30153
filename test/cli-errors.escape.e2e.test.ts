// Usage errors quote what was typed (an unknown provider, an option, a value that is not a time). A control
// character in it (ESC [ 2 J clears the screen, a bare CR rewrites the line) was written to stderr raw and obeyed by
// the terminal; it is shown escaped, as the network's text is. The built binary, stderr as bytes.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('usage errors: what was typed is shown, not obeyed', () => {
  it.each([
    ['an unknown provider (our message)', ['generate', 'cust\x1b[2Jomer\rX', 'reward']],
    ['an unknown option (commander\'s message)', ['generate', 'customerglu', 'reward', '--x\x1b[2J']],
    ['a value that is not a time', ['verify', '--scheme', 'slack', '--timestamp', '17\x1b[2J', '--secret', 'x', '--body', '/dev/null', '--signature', 'v0=ab']],
    ['under --json (the JSON error on stdout)', ['generate', 'customerglu', 'reward', '--json', '--y\x1b]0;title\x07']],
  ])('%s', async (_, args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    const both = r.stderr + r.stdout;
    expect(both).toMatch(/error/);
    expect(both).toMatch(/\\x1b|\\u001b/);
    expect(r.stderr.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(CONTROL);
  });
});
