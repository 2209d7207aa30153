// The whole loop, offline: a listener on a free loopback port, one signed delivery of every provider's
// every event sent to it, and the listener's verdict on each. Returns data; the command formats it.
import { createHash, randomBytes } from 'node:crypto';
import { prepareGenerator } from '../core/generate.js';
import { loadAllProviders, loadProvider } from '../providers/index.js';
import type { ProviderDef } from '../providers/types.js';
import { startListener, type DeliveryReport } from './listen.js';
import { buildSendRequest, type BuildRequestInput } from './request.js';
import { send } from './send.js';

export interface DemoRow {
  provider: string;
  event: string;
  /** The HTTP status the listener answered, or null when the request failed. */
  status: number | null;
  /** What the listener made of the delivery (null when it never arrived). */
  detectedProvider: string | null;
  detectedEvent: string | null;
  /** "valid", "unsigned", "invalid"…: the signature or auth check, whichever the scheme uses. */
  check: string;
  schema: string;
  problems: string[];
  latencyMs: number;
  ok: boolean;
}

export interface DemoReport {
  url: string;
  rows: DemoRow[];
  /** A delivery signed with the wrong secret: the listener must refuse it (401). */
  forged: { status: number | null; rejected: boolean; diagnosis?: string };
  ok: boolean;
  durationMs: number;
}

export interface DemoOptions {
  /** Restrict to these providers (default: all). */
  providers?: string[];
  /** Only ASCII in the generated text (see GenerateOptions.ascii). */
  ascii?: boolean;
}

export interface DemoCallbacks {
  onReady?(url: string): void;
  onRow?(row: DemoRow, index: number, total: number): void;
}

/** Throwaway credentials for this run: each scheme gets what it needs, and nothing else, so detection stays honest. */
function demoCredentials() {
  return {
    secret: `demo_${randomBytes(12).toString('hex')}`,
    apiKey: `demo_key_${randomBytes(8).toString('hex')}`,
    user: `demo:${randomBytes(6).toString('hex')}`,
    licenseCode: `~${randomBytes(4).toString('hex')}`,
  };
}

type Credentials = ReturnType<typeof demoCredentials>;

function credentialsFor(provider: ProviderDef, c: Credentials): Partial<BuildRequestInput> {
  switch (provider.signing.scheme) {
    case 'api-key':
      return { apiKey: c.apiKey };
    case 'segment':
      return { secret: c.secret, apiKey: c.apiKey };
    case 'webengage':
      return { secret: c.secret, licenseCode: c.licenseCode };
    case 'basic':
      return { user: c.user };
    case 'none':
      return {};
    default:
      return { secret: c.secret };
  }
}

function checkOf(report: DeliveryReport): string {
  const parts: string[] = [];
  if (!['unsigned', 'not-checked', 'unknown-provider'].includes(report.signature.status)) parts.push(`signature ${report.signature.status}`);
  if (report.auth.status !== 'none' && report.auth.status !== 'not-configured') parts.push(`${report.auth.kind ?? 'auth'} ${report.auth.status}`);
  return parts.join(', ') || 'unsigned';
}

export async function runDemo(options: DemoOptions = {}, callbacks: DemoCallbacks = {}): Promise<DemoReport> {
  const started = performance.now();
  const providers = options.providers?.length ? await Promise.all(options.providers.map(loadProvider)) : await loadAllProviders();
  const creds = demoCredentials();
  // Reports arrive through the listener's callback; they are matched to what was sent by the body's hash.
  const reports = new Map<string, DeliveryReport>();
  const listener = await startListener(
    { host: '127.0.0.1', port: 0, provider: 'auto', secrets: [creds.secret], apiKey: creds.apiKey, user: creds.user, licenseCode: creds.licenseCode },
    { onDelivery: (report) => reports.set(report.sha256, report) },
  );
  callbacks.onReady?.(listener.url);
  const url = new URL('/webhook', listener.url).href;

  const plan = providers.flatMap((p) => p.events.map((e) => ({ provider: p, event: e.name })));
  const rows: DemoRow[] = [];
  let forged: DemoReport['forged'] = { status: null, rejected: false };
  try {
    for (const [index, item] of plan.entries()) {
      const body = prepareGenerator(item.provider, item.event, options.ascii ? { ascii: true } : {}).make(0).body;
      const request = buildSendRequest({ provider: item.provider, url, body, event: item.event, ...credentialsFor(item.provider, creds) });
      const result = await send(request, { timeoutMs: 5000 });
      const report = reports.get(createHash('sha256').update(body).digest('hex'));
      const status = result.final.response?.status ?? null;
      const row: DemoRow = {
        provider: item.provider.id,
        event: item.event,
        status,
        detectedProvider: report?.provider ?? null,
        detectedEvent: report?.event ?? null,
        check: report ? checkOf(report) : 'not received',
        schema: report ? report.schema.status : 'not received',
        problems: report ? report.problems : [result.final.error?.message ?? 'no delivery reached the listener'],
        latencyMs: Math.round(result.final.latencyMs * 10) / 10,
        ok: false,
      };
      row.ok = status === 200 && report?.verdict === 'valid' && row.detectedProvider === row.provider && row.detectedEvent === row.event;
      if (report && row.ok === false && report.verdict === 'valid') {
        row.problems = [...row.problems, `detected as ${row.detectedProvider ?? '?'} ${row.detectedEvent ?? '?'}`];
      }
      rows.push(row);
      callbacks.onRow?.(row, index, plan.length);
    }

    // One forgery, so the demo also shows what a receiver must refuse and why.
    const cg = providers.find((p) => p.signing.scheme === 'customerglu' || p.signing.scheme === 'mgpass');
    if (cg) {
      const body = prepareGenerator(cg, cg.events[0]!.name).make(0).body;
      const request = buildSendRequest({ provider: cg, url, body, event: cg.events[0]!.name, secret: `${creds.secret}x` });
      const result = await send(request, { timeoutMs: 5000 });
      const report = reports.get(createHash('sha256').update(body).digest('hex'));
      const status = result.final.response?.status ?? null;
      forged = { status, rejected: status === 401 && report?.verdict === 'invalid' };
      const diagnosis = report?.signature.explain ?? report?.signature.reason;
      if (diagnosis) forged.diagnosis = diagnosis;
    } else {
      forged = { status: null, rejected: true };
    }
  } finally {
    await listener.close();
  }
  return {
    url,
    rows,
    forged,
    ok: rows.every((r) => r.ok) && forged.rejected,
    durationMs: Math.round(performance.now() - started),
  };
}
