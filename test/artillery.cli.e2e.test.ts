// `cg-hooks export artillery` and `cg-hooks import artillery` as a user runs them (the built binary), without
// Artillery: what is written, what is refused, and real Artillery reports (committed from runs of exported tests).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './helpers/cli.js';

// Each test runs the CLI a few times; on a loaded machine a start can take seconds.
vi.setConfig({ testTimeout: 90_000 });
const root = mkdtempSync(join(tmpdir(), 'cg-hooks-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SECRET = 'sup3r-s3cret-Ünïcode';
const fixture = (name: string) => new URL(`./fixtures/artillery/${name}`, import.meta.url).pathname;

const dirFiles = (dir: string) => readdirSync(dir).sort();

describe('export artillery', () => {
  it('writes a self-contained directory; the secret is in none of its files', async () => {
    const dir = join(root, 'cg');
    const r = await runCli(['export', 'artillery', 'customerglu', 'reward', 'nudge', '--to', 'http://127.0.0.1:3999/hooks/cg?tenant=acme', '--rate', '25/s', '--duration', '2m', '--ramp', '20s', '--dup-ratio', '10%', '--corpus', '50', '-o', dir, '--json'], {
      env: { CG_HOOKS_SECRET: SECRET },
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ type: 'export', target: 'artillery', provider: 'customerglu', events: ['reward', 'nudge'], rate: 25, durationS: 120, rampS: 20, dupRatio: 0.1, corpus: { entries: 50 } });
    expect(dirFiles(dir)).toEqual(['README.md', 'cg-hooks.json', 'corpus.ndjson', 'load-test.yml', 'processor.cjs']);
    for (const name of dirFiles(dir)) expect(readFileSync(join(dir, name), 'utf8').includes(SECRET), `${name} holds the secret`).toBe(false);
    expect(r.stdout.includes(SECRET) || r.stderr.includes(SECRET)).toBe(false);

    const yml = readFileSync(join(dir, 'load-test.yml'), 'utf8');
    expect(yml).toContain('target: "http://127.0.0.1:3999"');
    expect(yml).toContain('url: "/hooks/cg?tenant=acme"');
    expect(yml).toMatch(/- name: "ramp"\n\s+duration: 20\n\s+arrivalRate: 1\n\s+rampTo: 25\n\s+- name: "sustain"\n\s+duration: 100\n\s+arrivalRate: 25/);
    expect(yml).toMatch(/"http.response_time.p95": 500[\s\S]*"http.response_time.p99": 1500[\s\S]*maxErrorRate: 1/);
    const config = JSON.parse(readFileSync(join(dir, 'cg-hooks.json'), 'utf8'));
    expect(config).toMatchObject({ secretEnv: 'CG_HOOKS_SECRET', dupRatio: 0.1, signing: { kind: 'hmac', header: 'X-CG-SIGNATURE', algorithm: 'sha1' } });
    const events = readFileSync(join(dir, 'corpus.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events.slice(0, 4)).toEqual(['reward', 'nudge', 'reward', 'nudge']);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/npx artillery@2\.\d+\.\d+ run --output report\.json load-test\.yml/);
    expect(readme).toMatch(/run-fargate --region us-east-1 --count 10 --secret CG_HOOKS_SECRET load-test\.yml/);
    expect(readFileSync(join(dir, 'processor.cjs'), 'utf8')).not.toMatch(/require\(["'](?!node:)/);
  });

  it('--force replaces a symlink planted in the directory, never writing to its target', async () => {
    const { lstatSync, symlinkSync } = await import('node:fs');
    const dir = join(root, 'planted');
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'do not overwrite\n');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    for (const name of ['processor.cjs', 'load-test.yml', 'README.md', 'cg-hooks.json']) symlinkSync(victim, join(dir, name));
    const r = await runCli(['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/h', '--corpus', '3', '-o', dir, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('do not overwrite\n');
    for (const name of ['processor.cjs', 'load-test.yml', 'README.md', 'cg-hooks.json']) expect(lstatSync(join(dir, name)).isFile(), name).toBe(true);
    expect(dirFiles(dir)).toEqual(['README.md', 'cg-hooks.json', 'corpus.ndjson', 'load-test.yml', 'processor.cjs']);
  });

  it('refuses to overwrite an export without --force, and a URL that carries a credential', async () => {
    const dir = join(root, 'twice');
    const args = ['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/h', '--corpus', '5', '-o', dir];
    expect((await runCli(args)).code).toBe(0);
    const again = await runCli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds an export .*--force/s);
    expect((await runCli([...args, '--force'])).code).toBe(0);

    for (const url of ['http://127.0.0.1:3999/h?token=tok-Zq81', 'http://admin:pw-Zq81@127.0.0.1:3999/h']) {
      const r = await runCli(['export', 'artillery', 'mgpass', '--to', url, '-o', join(root, 'cred')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/carries a credential/);
      expect(r.stderr).not.toContain('Zq81');
      expect(existsSync(join(root, 'cred'))).toBe(false);
    }
  });

  it('an -o that cannot be a directory is one line and exit 2, never a hang (/proc: Node\'s recursive mkdir spins there)', async () => {
    writeFileSync(join(root, 'a-file'), 'x');
    const args = ['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/h', '--corpus', '3'];
    const [proc, file] = await Promise.all([runCli([...args, '-o', '/proc/cg-hooks-nope'], { timeoutMs: 20_000 }), runCli([...args, '-o', join(root, 'a-file', 'x')])]);
    expect(proc).toMatchObject({ code: 2, stderr: 'error: cannot write to /proc/cg-hooks-nope: this file system does not allow creating a directory there\n' });
    expect(file).toMatchObject({ code: 2, stderr: `error: cannot write to ${join(root, 'a-file', 'x')}: a part of the path is a file, not a directory\n` });
    // An empty -o (an unset "$DIR") wrote the test into the current directory.
    const empty = await runCli([...args, '-o', ''], { cwd: root });
    expect({ code: empty.code, stderr: empty.stderr.split('\n')[0] }).toEqual({ code: 2, stderr: 'error: -o <dir> is required: the directory to write the test into' });
    expect(existsSync(join(root, 'load-test.yml'))).toBe(false);
    // Missing parents are made.
    expect((await runCli([...args, '-o', join(root, 'deep', 'a', 'b')])).code).toBe(0);
    expect(dirFiles(join(root, 'deep', 'a', 'b'))).toContain('load-test.yml');
  });

  it('bad input is one line and exit 2', async () => {
    const base = ['export', 'artillery', 'mgpass', '--to', 'http://127.0.0.1:3999/h', '-o', join(root, 'bad')];
    const cases: Array<[string[], RegExp]> = [
      [['--rate', '0'], /--rate: expected deliveries per second/],
      [['--dup-ratio', '1.5'], /--dup-ratio: expected a share from 0 to 0\.9/],
      [['--duration', '10s', '--ramp', '10s'], /--ramp \(10 s\) must be shorter than --duration/],
      [['--secret-env', '1BAD'], /--secret-env: "1BAD" is not an environment variable name/],
      [['--scheme', 'hmac'], /custom HMAC\) cannot be exported/],
      [['--mapping', 'fixtures/customerglu/mappings/flat-wallet.json'], /tenant mappings apply to customerglu reward/],
      [['--mapping', 'no-such-mapping.json'], /--mapping file no-such-mapping\.json/],
    ];
    const results = await Promise.all(cases.map(([extra]) => runCli([...base, ...extra])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    const unknown = await runCli(['export', 'artillery', 'mgpass', 'rewards.nope', '--to', 'http://127.0.0.1:3999/h', '-o', join(root, 'bad')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown event "rewards.nope"/);
    const webengage = await runCli(['export', 'artillery', 'webengage', '--to', 'http://127.0.0.1:3999/h', '-o', join(root, 'bad'), '--json']);
    expect(webengage.code).toBe(2);
    expect(JSON.parse(webengage.stdout).error.message).toMatch(/pass --license-code/);
    expect((await runCli(['export', 'k6'])).code).toBe(2);
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });

  it('--mapping: every corpus delivery has the tenant\'s shape (CustomerGlu reward)', async () => {
    const dir = join(root, 'mapped');
    const mapping = join(process.cwd(), 'fixtures/customerglu/mappings/flat-wallet.json');
    const r = await runCli(['export', 'artillery', 'customerglu', 'reward', '--to', 'http://127.0.0.1:3999/h', '--corpus', '20', '--mapping', mapping, '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const spec = JSON.parse(readFileSync(mapping, 'utf8')) as Record<string, unknown>;
    const lines = readFileSync(join(dir, 'corpus.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { body: string });
    expect(lines.length).toBe(20);
    for (const line of lines) {
      const body = JSON.parse(line.body) as Record<string, unknown>;
      // The tenant's keys, not CustomerGlu's defaults.
      expect(Object.keys(body).sort()).toEqual(expect.arrayContaining(Object.keys(spec).filter((k) => body[k] !== undefined).sort()));
      expect(body).not.toHaveProperty('campaignId');
      expect(body).toMatchObject({ event: 'reward_won', source: 'customerglu' });
      expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('--seed makes the corpus reproducible', async () => {
    const make = async (name: string) => {
      const dir = join(root, name);
      expect((await runCli(['export', 'artillery', 'rehook', '--to', 'http://127.0.0.1:3999/h', '--seed', '42', '--corpus', '30', '-o', dir])).code).toBe(0);
      return readFileSync(join(dir, 'corpus.ndjson'));
    };
    expect((await make('seed-a')).equals(await make('seed-b'))).toBe(true);
  });
});

describe('import artillery', () => {
  it('requests that got no answer are not "errors none", even when the report counts no error', async () => {
    const report = JSON.parse(readFileSync(fixture('report-2.0.34.json'), 'utf8'));
    report.aggregate.counters['http.responses'] = 186;
    const file = join(root, 'in-flight.json');
    writeFileSync(file, JSON.stringify(report));
    const r = await runCli(['import', 'artillery', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/requests\s+191 .*186 answered/);
    expect(r.stdout).toMatch(/errors\s+none counted, but 5 requests got no answer/);
    expect((await runCli(['import', 'artillery', fixture('report-2.0.34.json')])).stdout).toMatch(/errors\s+none\n/);
  });

  it('summarises a real Artillery report of an exported test', async () => {
    const r = await runCli(['import', 'artillery', fixture('report-2.0.34.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ type: 'artillery-report', requests: 191, responses: 191, statuses: { '200': 191 }, errors: {}, vusers: { created: 191, failed: 0 } });
    expect(s.deliveries).toMatchObject({ originals: 172, duplicates: 19, byEvent: { reward: 62, nudge: 66, 'raw-event': 63 } });
    expect(s.latencyMs.p95).toBeGreaterThan(s.latencyMs.p50);
    expect(s.rps).toBeGreaterThan(15);

    const human = await runCli(['import', 'artillery', fixture('report-2.0.34.json')]);
    expect(human.stdout).toMatch(/requests\s+191 \(19(\.\d)?\/s\), 191 answered/);
    expect(human.stdout).toMatch(/deliveries\s+172 new \+ 19 exact duplicates \(9\.9%\)/);
  });

  it('counts what the receiver did not acknowledge as errors', async () => {
    const r = await runCli(['import', 'artillery', fixture('report-2.0.34-not-acknowledged.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/statuses\s+200 ×42 · 503 ×8/);
    expect(r.stdout).toMatch(/errors\s+8 \(16% of virtual users failed\): not acknowledged: HTTP 503 ×8/);
    expect(r.stdout).toMatch(/40 new \+ 10 exact duplicates \(20\.0%\)/);
  });

  // A pipe has no size to read up to: `<(gunzip -c report.json.gz)` was "not JSON (Unexpected end of JSON
  // input)", and "-" was "no such file".
  it('reads a report from stdin ("-") and from a pipe', async () => {
    const report = readFileSync(fixture('report-2.0.34.json'));
    const stdin = await runCli(['import', 'artillery', '-', '--json'], { input: report });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(JSON.parse(stdin.stdout)).toMatchObject({ requests: 191, responses: 191 });
    const fifo = join(root, 'report.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `cat '${fixture('report-2.0.34.json')}' > '${fifo}'`]);
    const piped = await runCli(['import', 'artillery', fifo, '--json']);
    writer.kill();
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ requests: 191 });
  });

  it('a file that is not a report is one line and exit 2, with --json too', async () => {
    const write = (name: string, text: string) => {
      const path = join(root, name);
      writeFileSync(path, text);
      return path;
    };
    const cases: Array<[string, RegExp]> = [
      [write('not-json.json', '{"aggregate":'), /is not JSON/],
      [write('other.json', '{"results":[]}'), /not an Artillery JSON report: no "aggregate"/],
      [write('bad-counter.json', '{"aggregate":{"counters":{"http.requests":"12"}}}'), /"aggregate.counters.http.requests" is not what Artillery writes \(expected number\)/],
      [write('negative-counter.json', '{"aggregate":{"counters":{"http.requests":10,"http.codes.200":-5}}}'), /"aggregate.counters.http.codes.200" is not what Artillery writes \(a negative count\)/],
      [write('fraction-counter.json', '{"aggregate":{"counters":{"http.requests":1.5}}}'), /"aggregate.counters.http.requests" is not what Artillery writes \(expected a whole number\)/],
      [join(root, 'missing.json'), /cannot read report .*no such file/],
    ];
    for (const [path, message] of cases) {
      const r = await runCli(['import', 'artillery', path]);
      expect(r.code, path).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: /);
      const j = await runCli(['import', 'artillery', path, '--json']);
      expect(j.code).toBe(2);
      expect(JSON.parse(j.stdout).error.message).toMatch(message);
    }
  });
});
