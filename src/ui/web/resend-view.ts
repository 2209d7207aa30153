// Edit → re-sign → resend. The page only describes the request; the listener process signs it with its
// secret (which the page never sees) and sends it.
import { postJson, type Detail, type Info, type ResendResult } from './client.js';
import { decode } from './bytes.js';
import { bodyBytes } from './detail.js';
import { clear, h } from './dom.js';

/** Headers a resend never copies (the HTTP client sets them). */
const SKIP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'expect', 'te', 'upgrade', 'x-cg-hooks-resend']);

const headerText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

function parseHeaders(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return `header line ${n + 1} has no "name: value"`;
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

function radio(name: string, value: string, label: string, checked: boolean, disabled = false, extra?: Node): HTMLElement {
  return h('label', { class: disabled ? 'disabled' : '' }, h('input', { type: 'radio', name, value, checked, disabled }), ` ${label}`, extra ?? null);
}

export function resendView(d: Detail, info: Info | undefined, open: (id: number) => void): HTMLElement {
  const bytes = bodyBytes(d);
  const original = d.utf8 ? decode(bytes) : '';
  const headers = headerText(d.sent ? d.sent.headers : (d.report.headers as Record<string, string>));
  const lines = original.split('\n').length;
  const body = h('textarea', { id: 'resend-body', rows: Math.max(6, Math.min(18, lines + 1)), spellcheck: 'false', 'aria-label': 'body to send' });
  body.value = original;
  const head = h('textarea', { id: 'resend-headers', rows: 6, spellcheck: 'false', 'aria-label': 'headers to send, one "name: value" a line' });
  head.value = headers;
  const url = h('input', { type: 'url', id: 'resend-url', placeholder: 'http://127.0.0.1:8080/webhook', size: 40, 'aria-label': 'URL to send to' });
  // The listener signs with the scheme that checked the delivery (its registry's answer, in d.signing).
  const canSign = d.signing !== null;
  const form = h(
    'form',
    { class: 'resend', id: 'resend-form' },
    d.utf8 ? h('label', { class: 'block' }, 'Body', body) : h('p', { class: 'muted' }, `Body: ${bytes.length} bytes that are not UTF-8, sent unchanged (not editable here).`),
    h('label', { class: 'block' }, 'Headers (masked credentials are not sent; re-signing adds the configured ones)', head),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Signature'),
      radio('sig', 'resign', `re-sign with the listener's ${info && info.secrets > 0 ? 'secret' : 'credentials'} (${d.signing?.label ?? 'no scheme recognised'})`, canSign, !canSign),
      radio('sig', 'keep', 'keep the original signature (to test rejection)', !canSign),
      radio('sig', 'strip', 'remove the signature', false, !canSign),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Send to'),
      info?.forwardTo ? radio('to', 'forward', `--forward-to ${info.forwardTo}`, true) : null,
      radio('to', 'listener', `the listener itself (${info?.listener ?? ''}${d.row.path})`, !info?.forwardTo),
      radio('to', 'url', 'this URL: ', false, false, url),
    ),
    h('button', { type: 'submit', id: 'resend-send', class: 'primary' }, 'Send'),
    h('button', { type: 'button', onclick: () => ((body.value = d.utf8 ? original : body.value), (head.value = headers)) }, 'Reset'),
  );
  const result = h('div', { class: 'result', id: 'resend-result', 'aria-live': 'polite' });
  url.addEventListener('focus', () => ((form.querySelector('input[name=to][value=url]') as HTMLInputElement).checked = true));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const parsed = parseHeaders(head.value);
    clear(result);
    if (typeof parsed === 'string') {
      result.append(h('p', { class: 'bad' }, parsed));
      return;
    }
    const target = String(data.get('to') ?? 'listener');
    const request = {
      id: d.row.id,
      // A textarea turns CRLF into LF: an untouched body is sent as its original bytes, not as the textarea's text.
      ...(d.utf8 && body.value !== original.replace(/\r\n?/g, '\n') ? { body: body.value } : {}),
      ...(head.value !== headers ? { headers: parsed } : {}),
      signature: String(data.get('sig') ?? 'keep'),
      target,
      ...(target === 'url' ? { url: url.value } : {}),
    };
    result.append(h('p', { class: 'muted' }, 'Sending…'));
    try {
      const r = await postJson<ResendResult>('/api/resend', request);
      clear(result);
      result.append(
        h('p', {}, `${r.url}: `, r.error ? h('b', { class: 'bad' }, r.error) : h('b', { class: r.status !== undefined && r.status < 300 ? 'ok' : 'bad' }, `${r.status}`), r.latencyMs !== undefined ? ` in ${r.latencyMs} ms` : ''),
      );
      if (r.hint) result.append(h('p', { class: 'muted' }, r.hint));
      if (r.id !== null) result.append(h('p', {}, h('a', { href: `#id=${r.id}`, id: 'resend-row', onclick: (ev: Event) => (ev.preventDefault(), open(r.id!)) }, `Open the new row ${r.id}`)));
      for (const n of r.notes) result.append(h('p', { class: 'muted' }, n));
      if (r.response) result.append(h('pre', { class: 'raw small' }, r.response));
    } catch (err) {
      clear(result);
      result.append(h('p', { class: 'bad' }, (err as Error).message));
    }
  });
  return h('div', {}, form, result);
}
