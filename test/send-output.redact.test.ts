// `send` shows the receiver's answer; a redirect's Location usually repeats the request's query (an http → https
// rule keeps WebEngage's secret=md5(…) or a ?token=), and a Set-Cookie is a credential. The request URL was masked
// while the same secret came back in clear three times in the text output and twice in --json.
import { describe, expect, it } from 'vitest';
import type { Attempt, SendResult } from '../src/http/send.js';
import { attemptJson, attemptLine, formatResponse, verdictText } from '../src/output/send.js';

const SECRET = '973023cc859fbef7d5bb157614b8411f';
const location = `https://hooks.example.com/webengage?eventType=event&licenseCode=lc1&secret=${SECRET}`;
const response = {
  status: 301,
  statusText: 'Moved Permanently',
  headers: { location, 'set-cookie': ['sid=cookie-credential-1'], 'content-type': 'text/plain' },
  body: Buffer.alloc(0),
  bodyBytes: 0,
  truncated: false,
  location,
};
const attempt = { attempt: 1, startedAt: '2026-11-29T20:00:00.000Z', waitedMs: 0, latencyMs: 12, ok: false, response } as Attempt;
// Colours (when a test elsewhere turned them on) wrap names and values apart: compared without them.
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const result = { ok: false, outcome: 'failed', attempts: [attempt], final: attempt, schedule: { attempts: 1, delaysMs: [], source: 'none', success: '2xx' }, exitCode: 1 } as unknown as SendResult;

describe('send output: the receiver\'s Location and Set-Cookie', () => {
  it('the attempt line, the response and the verdict mask the query secret, and keep the rest of the URL', () => {
    for (const text of [attemptLine(attempt, 1), formatResponse(response, true), verdictText(result)].map(plain)) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain('https://hooks.example.com/webengage?eventType=event&licenseCode=lc1&secret=****');
    }
    expect(plain(formatResponse(response, true))).not.toContain('cookie-credential-1');
    expect(plain(formatResponse(response, true))).toContain('content-type: text/plain');
  });

  it('--json: neither the location nor the headers carry them', () => {
    const json = JSON.stringify(attemptJson(attempt));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('cookie-credential-1');
    expect(attemptJson(attempt)).toMatchObject({ location: 'https://hooks.example.com/webengage?eventType=event&licenseCode=lc1&secret=****', headers: { 'content-type': 'text/plain' } });
  });
});
