// --timestamp/--now as ISO-8601 with a time of day and no zone was read in the machine's zone (Date.parse): the same
// command signed t=1767205800 on a machine in Kolkata and t=1767225600 in CI. A zone-less time is UTC, as a date
// alone already was. The built binary under two TZ settings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-tz-'));
const body = join(dir, 'body.json');
writeFileSync(body, '{"id":"evt_1"}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signedT = async (timestamp: string, tz: string) => {
  const r = await runCli(['sign', '--scheme', 'stripe', '--body', body, '--secret', 'whsec_tz', '--timestamp', timestamp, '--json'], { env: { TZ: tz } });
  expect(r.code, r.stderr).toBe(0);
  return /t=(-?\d+)/.exec(JSON.parse(r.stdout).headers['Stripe-Signature'])![1];
};

describe('a zone-less ISO time is UTC, whatever the machine\'s zone', () => {
  it.each([
    ['2026-01-01T00:00:00', '1767225600'],
    ['2026-01-01 05:30', '1767245400'],
    ['2026-01-01T00:00:00.900', '1767225600'],
    ['2026-01-01', '1767225600'],
    ['2026-01-01T05:30:00+05:30', '1767225600'],
    ['2026-01-01T00:00:00Z', '1767225600'],
  ])('%s → t=%s in Kolkata and in UTC', async (timestamp, t) => {
    expect(await signedT(timestamp, 'Asia/Kolkata')).toBe(t);
    expect(await signedT(timestamp, 'UTC')).toBe(t);
  });
});
