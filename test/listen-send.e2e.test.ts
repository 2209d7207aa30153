// The two halves of cg-hooks against each other: `send` every provider's every event to `listen`.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../src/core/capture.js';
import { loadAllProviders } from '../src/providers/index.js';
import { runCli } from './helpers/cli.js';
import { startListen } from './helpers/listener.js';

const CREDS = ['--secret', 'send-listen-s3cret', '--api-key', 'wk_123', '--user', 'acme:pw', '--license-code', '~2024c5d1'];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'cg-send-listen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tasks with at most `limit` at a time (two cores: a few subprocesses in parallel). */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

describe('send → listen', () => {
  it('every provider and event arrives valid, byte for byte, recognised as what was sent', async () => {
    const cases = (await loadAllProviders()).flatMap((p) => p.events.map((e) => ({ provider: p.id, event: e.name, names: [e.name, ...(e.aliases ?? [])] })));
    const save = join(dir, 'captures');
    const l = await startListen([...CREDS, '--save', save, '--expect', String(cases.length), '--timeout', '170']);
    const sent: Array<{ sha: string; status: number; exit: number | null }> = [];
    await pool(cases, 3, async (c, i) => {
      const r = await runCli(['send', c.provider, c.event, '--to', `${l.url}/hooks/${c.provider}`, ...CREDS, '--json']);
      const out = JSON.parse(r.stdout);
      sent[i] = { sha: sha256(Buffer.from(out.request.body, out.request.bodyEncoding === 'base64' ? 'base64' : 'utf8')), status: out.outcome.status, exit: r.code };
    });
    const { code } = await l.exited;
    const reports = l.deliveries();
    expect(reports).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const label = `${c.provider} ${c.event}`;
      expect({ label, exit: sent[i]!.exit, status: sent[i]!.status }).toEqual({ label, exit: 0, status: 200 });
      const r = reports.find((x) => x.sha256 === sent[i]!.sha);
      expect(r, `${label}: no delivery with the bytes that were sent`).toBeDefined();
      expect({ label, provider: r!.provider, verdict: r!.verdict, problems: r!.problems, path: r!.path }).toEqual({ label, provider: c.provider, verdict: 'valid', problems: [], path: `/hooks/${c.provider}` });
      expect(c.names, label).toContain(r!.event);
      expect(sha256(readCapture(r!.capture.path).body)).toBe(sent[i]!.sha);
    });
    expect(code).toBe(0);
    // 53 subprocesses: on two busy cores (the rest of the suite runs beside it) this can take two minutes.
  }, 180_000);

  it('send --repeat: the same delivery again is flagged as a duplicate and still answered 200', async () => {
    const l = await startListen([...CREDS, '--expect', '3', '--timeout', '10']);
    const r = await runCli(['send', 'mgpass', 'rewards.points_awarded', '--to', l.url, ...CREDS, '--repeat', '3', '--concurrency', '1', '--json']);
    await l.exited;
    expect(r.code).toBe(0);
    const reports = l.deliveries();
    expect(reports.map((d) => [d.status, d.duplicate?.firstSeq ?? null])).toEqual([
      [200, null],
      [200, 1],
      [200, 1],
    ]);
  });
});
