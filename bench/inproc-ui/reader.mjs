// A page's live stream, read as fast as it comes, with catch-up from the API on a resync (bench/listen.mjs's openEventStream).
import { request } from 'node:http';
const u = new URL(process.argv[2]);
const token = u.searchParams.get('token');
let last = 0, pending = '', fetching = false, bytes = 0, resyncs = 0, fetched = 0;
const get = (path) => new Promise((resolve) => {
  const r = request(`${u.origin}${path}`, { headers: { 'x-cg-hooks-token': token } }, (res) => {
    const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))); res.on('error', () => resolve('{}'));
  });
  r.on('error', () => resolve('{}')); r.end();
});
const catchUp = async () => {
  if (fetching) return; fetching = true;
  for (;;) {
    const page = JSON.parse(await get(`/api/deliveries?after=${last}&limit=5000`));
    fetched += page.rows?.length ?? 0; bytes += 0;
    if (page.rows?.length) last = page.rows[page.rows.length - 1].id;
    if (!page.more) break;
  }
  fetching = false;
};
const r = request(`${u.origin}/api/events`, { headers: { 'x-cg-hooks-token': token } }, (res) => {
  res.on('data', (c) => {
    bytes += c.length; pending += c.toString('utf8'); let end;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const m = pending.slice(0, end); pending = pending.slice(end + 2);
      const id = /^id: (\d+)$/m.exec(m);
      if (/^event: rows$/m.test(m) && id) last = Math.max(last, Number(id[1]));
      if (/^event: resync$/m.test(m)) { resyncs++; void catchUp(); }
    }
  });
});
r.end();
process.on('message', () => process.send({ bytes, resyncs, fetched, last }));
process.send({ ready: true });
