import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareGenerator } from '../src/core/generate.js';
import { loadAllProviders } from '../src/providers/index.js';
import { runCli } from './helpers/cli.js';

// `--seed` promises byte-identical output on every run and machine. The hashes were written by
// `node scripts/golden-hashes.mjs --write`; a deliberate template change rewrites them (review the diff),
// anything else that moves a byte is a broken promise.
const GOLDEN: Record<string, string> = JSON.parse(readFileSync(new URL('../fixtures/golden/seeded-sha256.json', import.meta.url), 'utf8'));
const SEED = 'golden';
const COUNT = 25;
const HINT = 'seeded output changed: if a template change meant it, run `npm run build && node scripts/golden-hashes.mjs --write` and commit the new hashes';

describe('golden hashes of seeded output', () => {
  it('every event, variant and --ascii reproduces its hash in this process', async () => {
    const got: Record<string, string> = {};
    for (const provider of await loadAllProviders()) {
      for (const event of provider.events) {
        for (const variant of event.variants?.length ? event.variants.map((v) => v.name) : [undefined]) {
          for (const ascii of [false, true]) {
            const gen = prepareGenerator(provider, event.name, { seed: SEED, ascii, ...(variant ? { variant } : {}) });
            const hash = createHash('sha256');
            for (let i = 0; i < COUNT; i++) hash.update(gen.make(i).body).update('\n');
            got[`${provider.id} ${event.name}${variant ? ` --variant ${variant}` : ''}${ascii ? ' --ascii' : ''}`] = hash.digest('hex');
          }
        }
      }
    }
    expect(got, HINT).toEqual(GOLDEN);
  });

  it('the built code reproduces every hash under another time zone and locale (a second machine)', async () => {
    const script = fileURLToPath(new URL('../scripts/golden-hashes.mjs', import.meta.url));
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [script, '--check'], {
        env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.out, HINT).toBe('');
    expect(r.code).toBe(0);
  });

  it.each([
    ['customerglu', 'nudge', []],
    ['mgpass', 'user.register', ['--ascii']],
    ['rehook', 'customer.rewarded', ['--variant', 'webhook-reward']],
  ])('cg-hooks generate %s %s %j --seed golden --count 25 prints exactly the hashed bytes', async (provider, event, extra) => {
    const r = await runCli(['generate', provider, event, ...extra, '--seed', SEED, '--count', String(COUNT)], { env: { TZ: 'Asia/Kolkata', LANG: 'C' } });
    expect(r.code, r.stderr).toBe(0);
    const key = `${provider} ${event}${extra.length ? ` ${extra.join(' ')}` : ''}`;
    expect(createHash('sha256').update(r.stdoutBytes).digest('hex')).toBe(GOLDEN[key]);
  });
});
