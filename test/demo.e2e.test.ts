import { describe, expect, it } from 'vitest';
import { loadAllProviders } from '../src/providers/index.js';
import { runCli } from './helpers/cli.js';

describe('cg-hooks demo (built binary)', () => {
  it('sends every provider\'s every event to its own listener, all valid, and refuses a forgery', async () => {
    const r = await runCli(['demo', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const providers = await loadAllProviders();
    const expected = providers.flatMap((p) => p.events.map((e) => `${p.id} ${e.name}`));
    expect(report.rows.map((row: { provider: string; event: string }) => `${row.provider} ${row.event}`)).toEqual(expected);
    for (const row of report.rows) {
      expect(row, `${row.provider} ${row.event}`).toMatchObject({ ok: true, status: 200, schema: 'valid', detectedProvider: row.provider, detectedEvent: row.event });
    }
    expect(report.forged).toMatchObject({ sent: true, status: 401, rejected: true });
    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });

  it('prints a verdict table on stdout and progress on stderr', async () => {
    const r = await runCli(['demo', '--provider', 'mgpass', '--provider', 'reward']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PROVIDER\s+EVENT\s+STATUS/);
    expect(r.stdout).toMatch(/mgpass\s+rewards\.points_awarded\s+200\s+signature valid/);
    expect(r.stdout).toMatch(/reward\s+trigger_event\.created\s+200\s+unsigned/);
    expect(r.stdout).toMatch(/mgpass\s+user\.login\.success\s+200\s+signature valid\s+valid\s+yes/);
    expect(r.stdout).toContain('All valid: 26/26 deliveries valid');
    expect(r.stderr).toContain('cg-hooks listener on http://127.0.0.1:');
  });

  it('never reports a refusal it did not observe: with only unsigned providers the forgery is skipped, and said to be', async () => {
    for (const provider of ['reward', 'rehook', 'webengage', 'customerglu-events']) {
      const json = await runCli(['demo', '--provider', provider, '--json']);
      expect(json.code, provider).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report.forged, provider).toEqual({ sent: false, skipped: `${provider} does not sign deliveries: there is no signature to forge` });
      expect(json.stdout).not.toContain('"rejected"');
    }
    const human = await runCli(['demo', '--provider', 'reward', '--provider', 'rehook']);
    expect(human.stdout).toContain('forgery check skipped: reward, rehook do not sign deliveries');
    expect(human.stdout).not.toMatch(/wrong secret was refused/);
    // A provider that signs is forged, whichever it is (Segment signs with its shared secret).
    const segment = JSON.parse((await runCli(['demo', '--provider', 'segment', '--json'])).stdout);
    expect(segment.forged).toMatchObject({ sent: true, status: 401, rejected: true });
  }, 90_000); // six demo runs, one after another

  it('a provider named twice is shown once', async () => {
    const report = JSON.parse((await runCli(['demo', '--provider', 'reward', '--provider', 'reward', '--json'])).stdout);
    expect(report.rows.map((r: { event: string }) => r.event)).toEqual(['trigger_event.created', 'balance.credit_points_issued']);
    expect(report.forged.skipped).toBe('reward does not sign deliveries: there is no signature to forge');
  });

  it('an unknown provider is a usage error', async () => {
    const r = await runCli(['demo', '--provider', 'mgpas']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean "mgpass"/);
  });
});
