// --repeat and --concurrency are bounded: a typo (1e15, an extra zero) is one clear line naming the maximum and
// exit 2, before anything is allocated or sent; the library refuses the same values instead of running out of memory.
import { describe, expect, it } from 'vitest';
import { MAX_CONCURRENCY, MAX_REPEAT } from '../src/http/limits.js';
import { sendRepeated } from '../src/http/repeat.js';
import { UsageError } from '../src/output/errors.js';
import { runCli } from './helpers/cli.js';

const send = ['send', 'customerglu', 'reward', '--secret', 's3cret', '--to', 'http://127.0.0.1:9/webhook'];

describe('send --repeat / --concurrency bounds', () => {
  it('the maxima are 1,000,000 copies and 1,000 connections', () => {
    expect(MAX_REPEAT).toBe(1_000_000);
    expect(MAX_CONCURRENCY).toBe(1_000);
  });

  for (const [args, message] of [
    [['--repeat', '1e15'], '--repeat: at most 1,000,000'],
    [['--repeat', '1000000000000000'], '--repeat: at most 1,000,000'],
    [['--repeat', '1000001'], '--repeat: at most 1,000,000'],
    [['--repeat', '5', '--concurrency', '3000000'], '--concurrency: at most 1,000'],
    [['--repeat', '0'], '--repeat: expected a whole number from 1 to 1,000,000, got "0"'],
  ] as const) {
    it(`${args.join(' ')}: exit 2, "${message}"`, async () => {
      const r = await runCli([...send, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(r.stderr).not.toContain('internal error');
      const json = await runCli([...send, ...args, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'bad_option' } });
    });
  }

  it('the library refuses the same values with a UsageError, before allocating anything', async () => {
    const request = { url: 'http://127.0.0.1:9/webhook', headers: {}, body: Buffer.from('{}') };
    await expect(sendRepeated(request, { count: 1e15, concurrency: 1 })).rejects.toBeInstanceOf(UsageError);
    await expect(sendRepeated(request, { count: 10, concurrency: 3_000_000 })).rejects.toBeInstanceOf(UsageError);
  });
});
