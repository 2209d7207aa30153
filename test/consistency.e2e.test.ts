// One behaviour everywhere (issue 12): the built CLI as a user runs it. Colours, bind addresses, bad output paths,
// --user, --set, JSON errors, URLs, secrets, and the polish a careful user noticed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { humanListen } from './helpers/human-listen.js';
import { post } from './helpers/listener.js';
import { closedPort, startReceiver } from './helpers/receivers.js';

let dir: string;
let body: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cg-consistency-'));
  body = join(dir, 'body.json');
  writeFileSync(body, '{"a":1}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (text: string) => JSON.parse(text) as Record<string, any>;
const ESC = '\u001b[';

describe('colours: a request for none wins over FORCE_COLOR', () => {
  it('FORCE_COLOR=1 colours; with NO_COLOR=1 or --no-color it does not', async () => {
    const forced = await runCli(['providers'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(forced.stdout).toContain(ESC); // the control: FORCE_COLOR does colour a pipe
    const noColor = await runCli(['providers'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    const flag = await runCli(['--no-color', 'providers'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    const flagAfter = await runCli(['providers', '--no-color'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    for (const r of [noColor, flag, flagAfter]) {
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(ESC);
    }
  });
});

describe('listen --host', () => {
  it('0.0.0.0: the real bind address, a warning that it is reachable from the network, and --json says so', async () => {
    // Three listeners that each run out their --timeout: side by side, not one after the other.
    const [human, machine, local] = await Promise.all([
      runCli(['listen', '--host', '0.0.0.0', '--port', '0', '--timeout', '1']),
      runCli(['listen', '--host', '0.0.0.0', '--port', '0', '--timeout', '1', '--json']),
      runCli(['listen', '--port', '0', '--timeout', '1']),
    ]);
    expect(human.stderr).toMatch(/ready on http:\/\/0\.0\.0\.0:\d+ \(from this machine: http:\/\/127\.0\.0\.1:\d+\)/);
    expect(human.stderr).toMatch(/warning: --host 0\.0\.0\.0 is reachable from the network: anyone who can reach this machine on port \d+ can send deliveries/);
    expect(json(machine.stdout.split('\n')[0]!)).toMatchObject({ type: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), bind: expect.stringMatching(/^http:\/\/0\.0\.0\.0:/), exposed: true });
    expect(local.stderr).toMatch(/ready on http:\/\/127\.0\.0\.1:\d+ {2}/);
    expect(local.stderr).not.toContain('reachable from the network');
  });
});

describe('generate -o <directory>', () => {
  it('is exit 2 with one line, and leaves nothing behind', async () => {
    const out = join(dir, 'out-dir');
    mkdirSync(out);
    const r = await runCli(['generate', 'customerglu', 'reward', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: -o ${out}: cannot write: is a directory\nhint: give a file name, e.g. -o deliveries.ndjson\n`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
    const missing = await runCli(['generate', 'customerglu', 'reward', '-o', join(dir, 'no', 'such', 'x.json'), '--json']);
    expect(missing.code).toBe(2);
    expect(json(missing.stdout).error).toMatchObject({ code: 'unwritable_file', message: expect.stringContaining('does not exist') });
  });
});

describe('--user without a colon', () => {
  it('is exit 2, the same line, wherever --user is accepted (and the value is not echoed)', async () => {
    const port = await closedPort();
    const to = `http://127.0.0.1:${port}/x`;
    const runs = await Promise.all([
      runCli(['send', 'rehook', 'customer.rewarded', '--to', to, '--user', 'pa55word']),
      runCli(['sign', 'rehook', '--body', body, '--user', 'pa55word']),
      runCli(['verify', 'rehook', '--body', body, '--user', 'pa55word']),
      runCli(['listen', '--user', 'pa55word', '--timeout', '1']),
      runCli(['replay', dir, '--to', to, '--user', 'pa55word']),
      runCli(['test', to, '--provider', 'rehook', '--user', 'pa55word']),
      runCli(['scenario', 'run', 'rehook-referral', '--to', to, '--user', 'pa55word']),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error: --user: expected user:password (a colon between them)');
      expect(r.stderr + r.stdout).not.toContain('pa55word');
    }
  });
});

describe('--set to a path the schema does not know', () => {
  it('warns with a did-you-mean, and still adds the field (tenants add their own keys)', async () => {
    const r = await runCli(['generate', 'customerglu', 'reward', '--seed', '1', '--set', 'detials.currency=INR', '--set', 'tenantTier=gold', '--set', 'details.currency=EUR']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --set detials.currency: detials is not a field of customerglu reward (did you mean details.currency?); it is added anyway');
    expect(r.stderr).toContain('warning: --set tenantTier: tenantTier is not a field of customerglu reward; it is added anyway');
    expect(r.stderr).not.toContain('--set details.currency');
    expect(json(r.stdout)).toMatchObject({ detials: { currency: 'INR' }, tenantTier: 'gold', details: { currency: 'EUR' } });
    const send = await runCli(['send', 'mgpass', 'rewards.points_awarded', '--to', 'http://127.0.0.1:9/', '--secret', 's', '--set', 'data.pionts=5', '--dry-run']);
    expect(send.stderr).toContain('did you mean data.points?');
  });
});

describe('errors as JSON: one spelling, hints kept', () => {
  it('commander\'s errors in snake_case, with the did-you-mean and the help to read', async () => {
    const r = await runCli(['send', '--tiemout', '3', '--json']);
    expect(r.code).toBe(2);
    expect(json(r.stdout)).toEqual({ error: { code: 'unknown_option', message: "unknown option '--tiemout'", hint: 'did you mean --timeout? (see `cg-hooks send --help`)' } });
    const missing = await runCli(['generate', '--json']);
    expect(json(missing.stdout).error).toMatchObject({ code: 'missing_argument', hint: 'see `cg-hooks generate --help`' });
  });
  it('our own errors keep their hint in --json', async () => {
    const r = await runCli(['send', 'nope', 'x', '--to', 'http://127.0.0.1:9/', '--json']);
    expect(json(r.stdout).error).toMatchObject({ code: 'unknown_provider', hint: expect.any(String) });
  });
  it('an invalid --algorithm or --encoding lists the valid ones', async () => {
    const a = await runCli(['sign', '--scheme', 'hmac', '--algorithm', 'sha3', '--secret', 's', '--body', body]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('error: --algorithm: "sha3" is not one of sha1, sha256, sha512, md5');
    const e = await runCli(['verify', '--scheme', 'hmac', '--encoding', 'b64', '--secret', 's', '--body', body, '--signature', 'x', '--json']);
    expect(json(e.stdout).error).toMatchObject({ code: 'bad_option', message: '--encoding: "b64" is not one of hex, base64' });
  });
  it('cg-hooks help <unknown> is exit 2 with a did-you-mean; help <command> still works', async () => {
    const r = await runCli(['help', 'sned']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'sned'\nhint: did you mean send? run `cg-hooks --help` for the commands\n");
    expect(r.stdout).toBe('');
    const ok = await runCli(['help', 'send']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Usage: cg-hooks send');
  });
});

describe('URLs', () => {
  it('port 99999 is "port out of range" in every command that takes a URL', async () => {
    const url = 'http://127.0.0.1:99999/webhook';
    const runs = await Promise.all([
      runCli(['send', 'customerglu', 'reward', '--to', url]),
      runCli(['test', url, '--provider', 'customerglu']),
      runCli(['replay', dir, '--to', url]),
      runCli(['listen', '--forward-to', url, '--timeout', '1']),
      runCli(['scenario', 'run', 'mgpass-points', '--to', url, '--secret', 's']),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/port 99999 is out of range \(1-65535\)/);
      expect(r.stderr).not.toContain('not an http(s) URL');
    }
  });
});

describe('secrets', () => {
  it('a secret with a trailing newline or surrounding spaces gets a warning (never its value); a clean one none', async () => {
    const nl = await runCli(['sign', 'mgpass', '--body', body], { env: { CG_HOOKS_SECRET: 'k3y-9f2a\n' } });
    expect(nl.code).toBe(0);
    expect(nl.stderr).toContain('warning: CG_HOOKS_SECRET has a trailing newline: it is used as given');
    const spaced = await runCli(['verify', 'mgpass', '--body', body, '--signature', 'x', '--secret', ' k3y-9f2a ']);
    expect(spaced.stderr).toContain('warning: --secret has whitespace at both ends');
    for (const r of [nl, spaced]) expect(r.stderr + r.stdout).not.toContain('k3y-9f2a');
    const clean = await runCli(['sign', 'mgpass', '--body', body, '--secret', 'k3y-9f2a']);
    expect(clean.stderr).toBe('');
  });

  it('empty stdin says "stdin was empty"', async () => {
    const r = await runCli(['sign', 'customerglu', '--body', '-', '--secret', 's'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --body -: stdin was empty');
  });
});

describe('sign', () => {
  it("prints the provider's Content-Type with the signature, so the lines are the request's headers", async () => {
    const r = await runCli(['sign', 'segment', '--body', body, '--secret', 's']);
    expect(r.stdout.split('\n')[0]).toBe('Content-Type: application/json');
    const j = await runCli(['sign', 'mgpass', '--body', body, '--secret', 's', '--json']);
    expect(Object.keys(json(j.stdout).headers)).toEqual(['Content-Type', 'X-Webhook-Signature']);
  });

  it('the "compact it first" advice (jq -cj), run as written, gives a body that draws no warning', async (ctx) => {
    if (spawnSync('jq', ['--version']).error) return ctx.skip('jq is not installed');
    writeFileSync(join(dir, 'pretty.json'), '{\n  "a": 1,\n  "b": [1, 2]\n}\n');
    const before = await runCli(['sign', 'mgpass', '--body', 'pretty.json', '--secret', 's'], { cwd: dir });
    const advice = /compact it first \((jq -cj \. pretty\.json > compact\.json)/.exec(before.stderr)?.[1];
    expect(advice, before.stderr).toBeDefined();
    expect(spawnSync('sh', ['-c', advice!], { cwd: dir }).status).toBe(0);
    const after = await runCli(['sign', 'mgpass', '--body', 'compact.json', '--secret', 's'], { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.stderr).toBe('');
  });
});

describe('demo', () => {
  it('next steps are for the providers shown', async () => {
    const r = await runCli(['demo', '--provider', 'mgpass'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('cg-hooks send mgpass rewards.points_awarded --to http://127.0.0.1:3000/webhook --secret <secret>');
    expect(r.stderr).not.toContain('customerglu');
  }, 70_000);
});

describe('send --repeat against a refused connection', () => {
  it('reports the refusal without a latency or a rate of answers that never came', async () => {
    const port = await closedPort();
    const r = await runCli(['send', 'customerglu', 'reward', '--to', `http://127.0.0.1:${port}/`, '--repeat', '50']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/× connection_refused/);
    expect(r.stdout).not.toMatch(/requests\/s|latency/);
    expect(r.stdout).toMatch(/\d+ requests? sent, none answered/);
  });
});

describe('test --junit', () => {
  it('a case that timed out has its real time, not 0', async () => {
    const hang = await startReceiver(() => 'hang');
    const xml = join(dir, 'junit.xml');
    const r = await runCli(['test', hang.url, '--provider', 'reward', '--only', 'valid', '--timeout', '400ms', '--junit', xml]);
    await hang.close();
    expect(existsSync(xml), r.stderr).toBe(true);
    const times = [...readFileSync(xml, 'utf8').matchAll(/<testcase name="valid:(?!non-ascii)[^"]*"[^>]* time="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(0.39);
  });
});

describe('listen, human output', () => {
  it('a 413 says its reason once; a form body is shown as its fields, not as JSON', async () => {
    const l = await humanListen(['--max-body', '1kb', '--expect', '2', '--timeout', '15']);
    expect((await post(`${l.url}/webhook`, 'a'.repeat(5000))).status).toBe(413);
    expect((await post(`${l.url}/form`, 'amount=250&note=two+words&cur=%E2%82%AC', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(400);
    const { stdout } = await l.exited;
    expect(stdout.match(/max-body/g)).toHaveLength(1);
    expect(stdout).toContain('body of 5000 bytes is over --max-body');
    expect(stdout).toMatch(/ {4}amount=250\n {4}note=two words\n {4}cur=€/);
    expect(stdout).not.toContain('"amount"');
  });
});
