import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatProvider } from '../src/commands/providers.js';
import { describeProvider } from '../src/core/catalog.js';
import { prepareGenerator } from '../src/core/generate.js';
import { validate } from '../src/core/validate.js';
import { provider as mgpass } from '../src/providers/mgpass.js';
import { provider as reward } from '../src/providers/reward.js';
import { loadAllProviders } from '../src/providers/index.js';
import type { IncomingRequest } from '../src/providers/types.js';
import { sign, verify } from '../src/signing/api.js';
import { IDENTITY_EVENTS } from '../src/templates/mgpass-identity.js';
import { runCli } from './helpers/cli.js';

// mgPass's second webhook family: {"id":"evt_…","type":…,"created_at":<unix seconds>,"data":{…}}.
const NOW = Date.UTC(2026, 2, 31, 16, 26, 40);
const schemaOf = (name: string) => mgpass.events.find((e) => e.name === name)!.schema;
const make = (event: string, i = 0, seed: string | number = 'identity') => prepareGenerator(mgpass, event, { seed, now: NOW }).make(i);
const request = (body: Buffer, headers: Record<string, string> = {}): IncomingRequest => ({ method: 'POST', path: '/hooks', query: {}, headers: { 'content-type': 'application/json', ...headers }, body });

describe('mgPass identity events', () => {
  it.each(IDENTITY_EVENTS)('%s: the documented envelope, in its key order, with unix-second created_at', (event) => {
    for (let i = 0; i < 50; i++) {
      const d = make(event, i);
      const p = d.payload as { id: string; type: string; created_at: number; data: Record<string, unknown> };
      expect(Object.keys(p)).toEqual(['id', 'type', 'created_at', 'data']);
      expect(p.id).toMatch(/^evt_[a-z0-9]{20}$/);
      expect(p.type).toBe(event);
      expect(p.created_at).toBe(Math.floor(NOW / 1000) + i);
      if ('user_id' in p.data && p.data.user_id !== null) expect(p.data.user_id).toMatch(/^usr_[a-z0-9]{12}$/);
      for (const key of ['expires_at', 'suspended_until']) if (typeof p.data[key] === 'number') expect(p.data[key]).toBeGreaterThan(p.created_at);
      expect(JSON.stringify(p)).not.toMatch(/"(access_token|refresh_token|id_token|token)":|eyJ/); // token events name tokens, never carry them
    }
  });

  it('signed exactly like the rewards webhooks: X-Webhook-Signature = hex HMAC-SHA256 of the body', () => {
    const { body } = make('user.login.success');
    const { headers } = sign(mgpass, body, { secret: 'whsec_identity' });
    expect(headers['X-Webhook-Signature'] ?? headers['x-webhook-signature']).toBe(createHmac('sha256', 'whsec_identity').update(body).digest('hex'));
    expect(verify(mgpass, { headers, body }, { secret: 'whsec_identity' }).valid).toBe(true);
  });

  it('eventOf tells the two envelopes apart; a rewards event is never an identity event and back', () => {
    const identity = make('user.register').payload as Record<string, unknown>;
    const rewards = prepareGenerator(mgpass, 'rewards.points_awarded', { seed: 1 }).make(0).payload as Record<string, unknown>;
    expect(mgpass.eventOf(identity)).toBe('user.register');
    expect(mgpass.eventOf(rewards)).toBe('rewards.points_awarded');
    // Each envelope's type field holding the other family's name is not that event.
    expect(mgpass.eventOf({ ...identity, type: 'rewards.points_awarded' })).toBeUndefined();
    expect(mgpass.eventOf({ ...rewards, event_type: 'user.register' })).toBeUndefined();
    expect(mgpass.eventOf({ event_type: 'rewards.points_awarded', type: 'user.register', data: {}, timestamp: 'x' })).toBe('rewards.points_awarded');
    // An identity body that lost a field is still recognised, so validation names what is missing.
    const { created_at: _drop, ...noTime } = identity;
    expect(mgpass.eventOf(noTime)).toBe('user.register');
    expect(validate(schemaOf('user.register'), noTime).map((i) => i.path)).toEqual(['created_at']);
    // Reward's {id, type, time, data} envelope stays Reward's.
    const rw = prepareGenerator(reward, 'trigger_event.created', { seed: 1 }).make(0).payload;
    expect(mgpass.eventOf(rw)).toBeUndefined();
    expect(reward.eventOf(identity)).toBeUndefined();
  });

  it('detect: every identity delivery is mgPass among all providers, signed or bare', async () => {
    const all = await loadAllProviders();
    for (const event of IDENTITY_EVENTS) {
      const { body } = make(event, 3);
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      for (const req of [request(body, { 'x-webhook-signature': 'ab'.repeat(32) }), request(body)]) {
        const scores = all.map((p) => [p.id, p.detect(req, parsed)] as const).sort((a, b) => b[1] - a[1]);
        expect(scores[0]![0], event).toBe('mgpass');
        expect(scores[1]![1]).toBeLessThan(scores[0]![1]);
      }
    }
  });

  it('the de-duplication key of an identity event is its id (rewards events keep event_type:user_id:timestamp)', () => {
    const a = make('session.created', 0);
    const p = a.payload as { id: string };
    expect(mgpass.dedupKey!(p)).toBe(p.id);
    expect(mgpass.dedupKey!({ ...p, created_at: 1 })).toBe(p.id);
    const r = prepareGenerator(mgpass, 'rewards.points_awarded', { seed: 1 }).make(0).payload as any;
    expect(mgpass.dedupKey!(r)).toBe(`rewards.points_awarded:${r.data.user_id}:${r.timestamp}`);
  });

  it('the inferred data is consistent: schemas catch what a receiver would trip on', () => {
    const failed = make('user.login.failed').payload as any;
    failed.data.reason = 'user_not_found';
    failed.data.user_id = 'usr_abc123';
    expect(validate(schemaOf('user.login.failed'), failed).map((i) => i.path)).toEqual(['data.user_id']);
    const deleted = make('user.deleted').payload as any;
    deleted.data.initiated_by = deleted.data.deleted_by === deleted.data.user_id ? 'admin' : 'user';
    expect(validate(schemaOf('user.deleted'), deleted).map((i) => i.path)).toEqual(['data.deleted_by']);
    const refreshed = make('token.refreshed').payload as any;
    refreshed.data.previous_token_id = refreshed.data.token_id;
    expect(validate(schemaOf('token.refreshed'), refreshed).map((i) => i.path)).toEqual(['data.token_id']);
    const inMs = make('session.created').payload as any;
    inMs.created_at *= 1000;
    expect(validate(schemaOf('session.created'), inMs)).toEqual([{ path: 'created_at', message: 'looks like milliseconds: mgPass identity times are unix seconds' }]);
    const badId = make('role.assigned').payload as any;
    badId.id = 'abc123';
    expect(validate(schemaOf('role.assigned'), badId).map((i) => i.path)).toEqual(['id']);
  });

  it('who did what agrees with why', () => {
    for (let i = 0; i < 300; i++) {
      const revoked = (make('session.revoked', i).payload as any).data;
      expect(revoked.revoked_by === revoked.user_id).toBe(revoked.reason === 'logout' || revoked.reason === 'password_changed');
      const lifted = (make('user.unsuspended', i).payload as any).data;
      expect(lifted.unsuspended_by === null).toBe(lifted.reason === 'Suspension period ended');
      const failed = (make('user.login.failed', i).payload as any).data;
      if (failed.reason === 'account_locked') expect(failed.attempt).toBe(5);
      const imp = (make('user.impersonated', i).payload as any).data;
      expect(imp.impersonator_id).not.toBe(imp.user_id);
      expect(imp.impersonator_email).toMatch(/^[a-z]+\.[a-z]+@mgdigital\.com\.gh$/);
    }
  });
});

describe('a second event group in the catalog', () => {
  it('every mgPass event has a group; the groups are listed in order; other providers have none', async () => {
    const info = describeProvider(mgpass);
    expect(info.groups?.map((g) => g.name)).toEqual(['rewards', 'identity']);
    expect(info.events.filter((e) => e.group === 'identity').map((e) => e.name)).toEqual([...IDENTITY_EVENTS]);
    expect(info.events.every((e) => e.group !== undefined)).toBe(true);
    for (const p of await loadAllProviders()) if (p.id !== 'mgpass') expect(describeProvider(p).groups).toBeUndefined();
  });

  it('`providers mgpass` prints one table per group, each under its envelope', () => {
    const text = formatProvider(describeProvider(mgpass));
    const rewards = text.indexOf('Rewards, cashback and management webhooks (rewards, 11 events)');
    const identity = text.indexOf('Identity webhooks (identity, 13 events)');
    expect(rewards).toBeGreaterThan(0);
    expect(identity).toBeGreaterThan(rewards);
    expect(text.indexOf('rewards.partner_created')).toBeLessThan(identity);
    expect(text.indexOf('user.impersonated')).toBeGreaterThan(identity);
    expect(text).toContain('cg-hooks generate mgpass user.login.success --pretty');
  });

  it('the built binary: providers mgpass --json carries the groups; providers shows "24 (2 groups)"', async () => {
    const json = await runCli(['providers', 'mgpass', '--json']);
    expect(json.code).toBe(0);
    const info = JSON.parse(json.stdout);
    expect(info.groups.map((g: { name: string }) => g.name)).toEqual(['rewards', 'identity']);
    expect(info.events.find((e: { name: string }) => e.name === 'user.register')).toMatchObject({ group: 'identity', origin: 'INFERRED' });
    const list = await runCli(['providers']);
    expect(list.stdout).toMatch(/mgpass\s+mgPass\s+24 \(2 groups\)/);
    const one = await runCli(['generate', 'mgpass', 'user.login.failed', '--seed', '1']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ type: 'user.login.failed', data: { reason: expect.any(String) } });
  });
});
