import { describe, expect, it } from 'vitest';
import { replayExitCode } from '../src/commands/replay.js';
import type { Capture } from '../src/core/capture.js';
import { endToEndHeaders } from '../src/http/client.js';
import { buildReplayRequest, type ReplayResult } from '../src/http/replay.js';
import { loadProvider } from '../src/providers/index.js';
import { signRequest } from '../src/signing/index.js';

const capture: Capture = {
  version: 1,
  remoteAddress: null,
  receivedAt: '2026-01-01T00:00:00.000Z',
  method: 'POST',
  path: '/webhook',
  query: { attempt: '1' },
  headers: {
    host: '127.0.0.1:3000',
    'content-length': '12',
    connection: 'keep-alive, x-hop',
    'x-hop': 'gone',
    'transfer-encoding': 'chunked',
    'content-type': 'application/json',
    'x-glu-signature': 'old',
    'x-custom': 'kept',
  },
  body: Buffer.from('{"rewardId":"r1"}'),
  provider: 'customerglu',
  event: 'reward',
};

describe('replay requests', () => {
  it('never send a masked credential, and say which ones were left out unless re-signing put them back', async () => {
    const masked: Capture = { ...capture, provider: 'rehook', headers: { ...capture.headers, authorization: '****(18 chars)' } };
    const plain = buildReplayRequest(masked, { to: 'http://127.0.0.1:4000/' });
    expect(plain.headers).not.toHaveProperty('authorization');
    expect(plain.droppedHeaders).toEqual(['authorization']);
    const resigned = buildReplayRequest(masked, { to: 'http://127.0.0.1:4000/', resign: true, user: 'acme:pw' }, await loadProvider('rehook'));
    expect(resigned.headers.authorization).toBe(`Basic ${Buffer.from('acme:pw').toString('base64')}`);
    expect(resigned.droppedHeaders).toEqual([]);
  });

  it('drop hop-by-hop headers (and those named in Connection), keep the rest', () => {
    expect(endToEndHeaders(capture.headers)).toEqual({ 'content-type': 'application/json', 'x-glu-signature': 'old', 'x-custom': 'kept' });
  });

  it('send the same bytes to --to with the captured query added', () => {
    const r = buildReplayRequest(capture, { to: 'http://127.0.0.1:4000/in?mode=test' });
    expect(r.url.href).toBe('http://127.0.0.1:4000/in?mode=test&attempt=1');
    expect(r.body).toBe(capture.body);
    expect(r.headers['x-glu-signature']).toBe('old');
  });

  it('re-sign: old signature headers replaced by a fresh one for the same bytes', async () => {
    const cg = await loadProvider('customerglu');
    const r = buildReplayRequest(capture, { to: 'http://x/', resign: true, secret: 'new' }, cg);
    expect(r.headers['x-glu-signature']).toBeUndefined();
    expect(r.headers['x-cg-signature']).toBe(signRequest(cg.signing, capture.body, { secret: 'new' }).headers['X-CG-SIGNATURE']);
  });

  it('re-sign needs a provider', () => {
    expect(() => buildReplayRequest({ ...capture, provider: null }, { to: 'http://x/', resign: true, secret: 's' })).toThrow(/--provider/);
  });

  it('exit codes: 0 all 2xx, 1 a non-2xx, 3 a network failure', () => {
    const ok = { ok: true } as ReplayResult;
    const bad = { ok: false, status: 500 } as ReplayResult;
    const net = { ok: false, error: { code: 'connection_refused', message: '', exitCode: 3 } } as ReplayResult;
    expect(replayExitCode([ok, ok])).toBe(0);
    expect(replayExitCode([ok, bad])).toBe(1);
    expect(replayExitCode([bad, net])).toBe(3);
  });
});
