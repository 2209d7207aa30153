import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hooks-gen-'));

describe('cg-hooks generate (built binary)', () => {
  it('prints one compact JSON payload and exits 0', async () => {
    const r = await runCli(['generate', 'customerglu', 'reward']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = r.stdout.trimEnd();
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.parse(text)).toHaveProperty('rewardId');
  });

  it('writes exactly the body bytes (no newline off a terminal), so the output can be signed as is', async () => {
    const out = join(dir, 'one.json');
    const piped = await runCli(['generate', 'mgpass', 'rewards.points_awarded', '--seed', '3']);
    await runCli(['generate', 'mgpass', 'rewards.points_awarded', '--seed', '3', '-o', out]);
    expect(piped.stdout.endsWith('}')).toBe(true);
    expect(readFileSync(out).equals(piped.stdoutBytes)).toBe(true);
    const signed = await runCli(['sign', 'mgpass', '--body', out, '--secret', 's3cret']);
    expect(signed.code).toBe(0);
    expect(signed.stderr).not.toMatch(/newline/);
  });

  it('--seed is byte-identical across runs; --pretty indents', async () => {
    const a = await runCli(['generate', 'customerglu', 'reward', '--seed', '7']);
    const b = await runCli(['generate', 'customerglu', 'reward', '--seed', '7']);
    expect(a.stdoutBytes.equals(b.stdoutBytes)).toBe(true);
    const pretty = await runCli(['generate', 'customerglu', 'reward', '--seed', '7', '--pretty']);
    expect(pretty.stdout).toContain('\n  "campaignId"');
    expect(JSON.parse(pretty.stdout)).toEqual(JSON.parse(a.stdout));
  });

  it('--count prints NDJSON with unique ids, to a file with -o', async () => {
    const out = join(dir, 'many.ndjson');
    const r = await runCli(['generate', 'customerglu', 'reward', '--count', '500', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wrote 500 deliveries');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    expect(new Set(lines.map((l) => JSON.parse(l).rewardId)).size).toBe(500);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('-o: a run that fails at delivery i, or is stopped with Ctrl-C, leaves no file and no temp file', async () => {
    const where = join(dir, 'failing');
    mkdirSync(where);
    const out = join(where, 'out.ndjson');
    // Seed 67: the 20th reward has one term, so `tnc[2]` cannot be set there; one thread and three alike.
    for (const threads of ['1', '3']) {
      const r = await runCli(['generate', 'customerglu', 'reward', '--seed', '67', '--count', '40', '--set', 'tnc[2]="x"', '--threads', threads, '-o', out]);
      expect([threads, r.code, r.stderr]).toEqual([threads, 2, expect.stringContaining('cannot set tnc[2]')]);
      expect(readdirSync(where)).toEqual([]);
    }
    // Interrupted while writing (the temp file exists by then), with and without worker threads.
    for (const threads of ['1', '2']) {
      const child = spawn(process.execPath, [BIN, 'generate', 'segment', 'identify', '--count', '50000000', '--threads', threads, '-o', out], { stdio: 'ignore' });
      for (let waited = 0; readdirSync(where).length === 0 && waited < 200; waited++) await new Promise((r) => setTimeout(r, 50));
      expect(readdirSync(where)).toHaveLength(1);
      child.kill('SIGINT');
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
      expect([threads, code, signal]).toEqual([threads, null, 'SIGINT']);
      expect(readdirSync(where)).toEqual([]);
    }
  });

  it('--set, --unset and --data shape the payload', async () => {
    const data = join(dir, 'data.json');
    writeFileSync(data, '{"details":{"tier":"gold"}}');
    const r = await runCli(['generate', 'customerglu', 'reward', '--variant', 'referral', '--set', 'rewardAmount=250', '--set', 'details.currency=INR', '--unset', 'tnc', '--data', data]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ type: 'referral', rewardAmount: 250, details: { currency: 'INR', tier: 'gold' } });
    expect(p).not.toHaveProperty('tnc');
  });

  it('an invalid result exits 2 with the field errors; --no-validate lets it through', async () => {
    const bad = await runCli(['generate', 'customerglu', 'reward', '--set', 'type=lottery']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/type: expected one of "spinthewheel"/);
    const ok = await runCli(['generate', 'customerglu', 'reward', '--set', 'type=lottery', '--no-validate']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).type).toBe('lottery');
    expect(ok.stderr).toMatch(/warning: .*does not match/);
  });

  it.each([
    [['generate', 'customergl', 'reward'], /unknown provider "customergl" \(did you mean "customerglu"\?\); valid providers: customerglu, /],
    [['generate', 'customerglu', 'rewrd'], /unknown event "rewrd" for customerglu \(did you mean "reward"\?\); valid events: reward, nudge, raw-event/],
    [['generate', 'customerglu', 'reward', '--variant', 'lotto'], /unknown variant "lotto".*valid variants: spinthewheel/],
    [['generate', 'customerglu', 'reward', '--set', 'rewardAmount'], /bad --set "rewardAmount": expected path=value/],
    [['generate', 'customerglu', 'reward', '--set', 'a..b=1'], /bad path "a..b"/],
    [['generate', 'customerglu', 'reward', '--data', '/nonexistent/x.json'], /cannot read --data file \/nonexistent\/x.json: no such file/],
    [['generate', 'customerglu', 'reward', '--count', 'ten'], /--count: expected a whole number/],
    [['generate', 'customerglu', 'reward', '--now', 'yesterday'], /--now: "yesterday" is not a time/],
    [['generate', 'customerglu'], /missing required argument 'event'/],
    [['generate', 'customerglu', 'reward', '--bogus'], /unknown option '--bogus'/],
  ])('bad input %j exits 2 with one clear line', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says where invalid --data JSON goes wrong', async () => {
    const data = join(dir, 'bad.json');
    writeFileSync(data, '{\n  "details": {\n    "tier": gold\n  }\n}');
    const r = await runCli(['generate', 'customerglu', 'reward', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${data} is not valid JSON: line 3, column 13`);
  });

  it('--json errors are one JSON object on stdout', async () => {
    const r = await runCli(['generate', 'nope', 'reward', '--json']);
    expect(r.code).toBe(2);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.error.code).toBe('unknown_provider');
    expect(parsed.error.message).toContain('valid providers');
  });
});

describe('cg-hooks providers (built binary)', () => {
  it('--json lists every provider with events, scheme, headers and retries', async () => {
    const r = await runCli(['providers', '--json']);
    expect(r.code).toBe(0);
    const { providers } = JSON.parse(r.stdout);
    expect(providers.map((p: { id: string }) => p.id)).toEqual([
      'customerglu', 'customerglu-events', 'segment', 'moengage', 'clevertap', 'webengage', 'rehook', 'mgpass', 'reward',
    ]);
    const cg = providers[0];
    expect(cg.signing).toMatchObject({ scheme: 'customerglu', header: 'X-CG-SIGNATURE', algorithm: 'sha1' });
    expect(cg.retry).toMatchObject({ attempts: 1 });
    expect(cg.events.map((e: { name: string }) => e.name)).toEqual(['reward', 'nudge', 'raw-event']);
    expect(cg.events[0].variants.map((v: { name: string }) => v.name)).toContain('referral');
  });

  it('shows one provider as a readable page, or as JSON', async () => {
    const text = await runCli(['providers', 'customerglu']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('X-CG-SIGNATURE');
    expect(text.stdout).toContain('Variants of reward');
    const json = await runCli(['providers', 'customerglu', '--json']);
    expect(JSON.parse(json.stdout).id).toBe('customerglu');
    const bad = await runCli(['providers', 'rehok']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/did you mean "rehook"/);
  });

  it('--version and --help exit 0', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await runCli(['generate', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
  });
});
