// Human-readable lines for `listen`: pure functions from a DeliveryReport / summary to text.
import type { ChalkInstance } from 'chalk';
import type { DeliveryReport, ListenSummary } from '../http/listen.js';

export interface DeliveryFormat {
  /** Whole body, however long. Otherwise bodies are cut to `maxBodyLines`. */
  full: boolean;
  maxBodyLines: number;
  style: ChalkInstance;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function signatureText(r: DeliveryReport, c: ChalkInstance): string {
  const s = r.signature;
  const via = s.header ? ` (${s.header})` : '';
  switch (s.status) {
    case 'valid':
      return c.green(`✓ signature valid${via}`);
    case 'invalid':
      return c.red(`✗ signature invalid${via}`);
    case 'missing':
      return c.red('✗ signature missing');
    case 'malformed':
      return c.red(`✗ signature malformed${via}`);
    case 'expired':
      return c.red('✗ signature expired');
    case 'unsigned':
      return c.dim('– not signed by this provider');
    case 'not-checked':
      return c.yellow('? signature not checked (no --secret)');
    case 'unknown-provider':
      return c.dim('– signature not checked');
  }
}

function authText(r: DeliveryReport, c: ChalkInstance): string | undefined {
  const a = r.auth;
  const kind = a.kind ?? 'auth';
  switch (a.status) {
    case 'none':
      return undefined;
    case 'valid':
      return c.green(`✓ ${kind} ok`);
    case 'not-configured':
      return c.dim(`– ${kind} not checked`);
    default:
      return c.red(`✗ ${kind} ${a.status}`);
  }
}

function schemaText(r: DeliveryReport, c: ChalkInstance): string | undefined {
  switch (r.schema.status) {
    case 'valid':
      return c.green('✓ schema');
    case 'invalid':
      return c.red(`✗ schema (${r.schema.issues.length} ${r.schema.issues.length === 1 ? 'error' : 'errors'})`);
    case 'unknown-event':
      return c.yellow('? unknown event');
    default:
      return undefined;
  }
}

function statusText(status: number, c: ChalkInstance): string {
  const text = `→ ${status}`;
  return status >= 200 && status < 300 ? c.green(text) : status >= 500 ? c.magenta(text) : c.red(text);
}

function bodyLines(r: DeliveryReport, f: DeliveryFormat): string[] {
  if (r.body === null || r.body === undefined || r.body === '') return [];
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2);
  const lines = text.split('\n');
  if (f.full || lines.length <= f.maxBodyLines) return lines;
  return [...lines.slice(0, f.maxBodyLines), f.style.dim(`… ${lines.length - f.maxBodyLines} more lines (--full shows the whole body)`)];
}

export function formatDelivery(r: DeliveryReport, f: DeliveryFormat): string {
  const c = f.style;
  const time = r.receivedAt.slice(11, 19);
  const query = Object.keys(r.query).length > 0 ? c.dim(`?${new URLSearchParams(r.query).toString().replace(/secret=[^&]*/g, 'secret=****')}`) : '';
  const who = r.provider ? `${c.cyan(r.provider)} ${r.event ?? c.yellow('?')}` : c.yellow('unknown provider');
  const checks = [signatureText(r, c), authText(r, c), schemaText(r, c)].filter(Boolean).join('  ');
  const head = `${c.dim(`#${r.seq} ${time}`)} ${c.bold(r.method)} ${r.path}${query}  ${who}  ${checks}  ${statusText(r.status, c)}  ${c.dim(formatBytes(r.size))}`;
  const lines = [head];
  const detail = (text: string) => lines.push(`    ${text}`);
  if (r.duplicate) detail(c.yellow(`duplicate of #${r.duplicate.firstSeq} (${r.duplicate.key}): a receiver must acknowledge it (2xx) without processing it twice`));
  if (!r.signature.ok) detail(c.red(r.signature.reason));
  if (r.signature.explain) detail(c.yellow(`explain: ${r.signature.explain}`));
  if (!r.auth.ok) detail(c.red(r.auth.reason));
  if (r.bodyError) detail(c.red(r.bodyError));
  const issues = r.schema.issues;
  for (const issue of issues.slice(0, 10)) detail(c.red(`${issue.path}: ${issue.message}`));
  if (issues.length > 10) detail(c.red(`… and ${issues.length - 10} more schema errors`));
  if (r.statusReason === 'simulated') detail(c.magenta(`answered ${r.status} on purpose (--respond/--fail-first): watch the sender retry`));
  if (r.forward) {
    detail(r.forward.error ? c.red(`forward to ${r.forward.url} failed: ${r.forward.error}`) : `forwarded to ${r.forward.url}: ${r.forward.status} in ${r.forward.latencyMs} ms`);
  }
  if (r.capture?.path) detail(c.dim(`saved ${r.capture.path}`));
  if (r.capture?.error) detail(c.red(`not saved: ${r.capture.error}`));
  for (const line of bodyLines(r, f)) detail(c.dim(line));
  return lines.join('\n');
}

export function formatSummary(s: ListenSummary, c: ChalkInstance): string {
  const parts = [`${s.deliveries} ${s.deliveries === 1 ? 'delivery' : 'deliveries'}: ${c.green(`${s.valid} valid`)}, ${s.invalid > 0 ? c.red(`${s.invalid} invalid`) : `${s.invalid} invalid`}`];
  const problems = Object.entries(s.problems).map(([name, n]) => `${name} ×${n}`);
  if (problems.length > 0) parts[0] += ` (${problems.join(', ')})`;
  if (s.duplicates > 0) parts.push(c.yellow(`${s.duplicates} ${s.duplicates === 1 ? 'duplicate' : 'duplicates'}`));
  const statuses = Object.entries(s.statuses).map(([code, n]) => `${code} ×${n}`);
  if (statuses.length > 0) parts.push(`answered ${statuses.join(', ')}`);
  if (s.clientErrors > 0) parts.push(`${s.clientErrors} refused at the HTTP level`);
  return parts.join('; ');
}

/**
 * The NDJSON line for a delivery. A JSON body that arrived on one line is embedded as received rather than
 * serialized again: the numbers keep their spelling (1.0 stays 1.0), and it is cheaper.
 */
export function deliveryJsonLine(report: DeliveryReport, raw?: { body: Buffer }): string {
  if (report.bodyKind !== 'json' || raw === undefined || raw.body.includes(10) || raw.body.includes(13)) return `${JSON.stringify(report)}\n`;
  const body = report.body;
  // Set to undefined (JSON.stringify skips it) instead of copying the object without it: no new object shape.
  report.body = undefined;
  try {
    const head = JSON.stringify(report);
    return `${head.slice(0, -1)},"body":${raw.body.toString('utf8')}}\n`;
  } finally {
    report.body = body;
  }
}

/** Collects output lines and writes them once per event-loop turn: one syscall for many deliveries. */
export function batchedWriter(write: (text: string) => void, limit = 64 * 1024): { push(text: string): void; flush(): void } {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    push(text) {
      pending += text;
      if (pending.length >= limit) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
