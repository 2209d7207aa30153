// Export: the capture file (--save format), a curl line, a scenario step; NDJSON of the list is in the bar.
import { getBlob, getText, type Detail, type Info } from './client.js';
import { clear, copy, download, h } from './dom.js';

function textBlock(id: string, load: () => Promise<string>): HTMLElement {
  const pre = h('pre', { class: 'raw export', id }, 'Loading…');
  const button = h('button', { type: 'button', disabled: true }, 'Copy');
  void load().then(
    (text) => {
      pre.textContent = text;
      button.disabled = false;
      button.onclick = () => void copy(text, button);
    },
    (e: Error) => {
      clear(pre);
      pre.append(h('span', { class: 'warn' }, e.message));
    },
  );
  return h('div', {}, pre, button);
}

export function exportView(d: Detail, info: Info | undefined): HTMLElement {
  const id = d.row.id;
  const name = `${d.row.provider ?? 'unknown'}-${d.row.event ?? 'unknown'}-${id}.json`.replace(/[^A-Za-z0-9._-]+/g, '_');
  const curlTo = info?.forwardTo ? h('select', { 'aria-label': 'curl target' }, h('option', { value: 'listener' }, 'to the listener'), h('option', { value: 'forward' }, 'to --forward-to')) : null;
  const curlBox = h('div', {});
  const showCurl = () => {
    clear(curlBox);
    curlBox.append(textBlock('export-curl', () => getText(`/api/deliveries/${id}/curl?to=${curlTo?.value ?? 'listener'}`)));
  };
  curlTo?.addEventListener('change', showCurl);
  showCurl();
  return h(
    'div',
    { class: 'export' },
    h('h3', {}, 'Capture file'),
    h('p', { class: 'muted' }, 'The `listen --save` format: byte-exact body, credentials masked. Read by `cg-hooks verify --capture` and `cg-hooks replay`.'),
    h('button', { type: 'button', id: 'export-capture', onclick: async () => download(await getBlob(`/api/deliveries/${id}/capture`), name) }, `Download ${name}`),
    h('h3', {}, 'curl ', curlTo),
    h('p', { class: 'muted' }, 'Masked credentials stay masked: put yours back before running it.'),
    curlBox,
    h('h3', {}, 'Scenario step'),
    h('p', { class: 'muted' }, 'Paste under `steps:` of a `cg-hooks scenario` file for this provider.'),
    textBlock('export-scenario', () => getText(`/api/deliveries/${id}/scenario`)),
  );
}
