// JavaScript's JSON.stringify(JSON.parse(body)), what JSON.stringify(req.body) gives a Node receiver.
// Usage: node node.mjs corpus.json SECRET  → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [file, secret] = process.argv.slice(2);
for (const doc of JSON.parse(readFileSync(file, 'utf8'))) {
  const bytes = Buffer.from(JSON.stringify(JSON.parse(doc.body)), 'utf8');
  console.log(['js-compact', doc.name, bytes.toString('base64'), createHmac('sha256', secret).update(bytes).digest('hex')].join('\t'));
}
