#!/usr/bin/env python3
"""Collects the serializers' TSV output into fixtures/explain/serializers.json, re-checking every HMAC.

Usage (from make-serializer-vectors.sh): assemble.py corpus.json SECRET OUT VERSIONS file.tsv...
"""
import base64
import hashlib
import hmac
import json
import sys

corpus_file, secret, out, versions, *tsvs = sys.argv[1:]
corpus = json.load(open(corpus_file, encoding='utf-8'))
bodies = {d['name']: d['body'] for d in corpus}

SERIALIZERS = {
    'js-compact': ('JavaScript JSON.stringify(JSON.parse(body))', 'node'),
    'py-default': ('Python json.dumps(json.loads(body)) with its defaults', 'python'),
    'php': ('PHP json_encode(json_decode($body))', 'php'),
    'php-assoc': ('PHP json_encode(json_decode($body, true))', 'php'),
    'php-unescaped': ('PHP json_encode(json_decode($body), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)', 'php'),
    'php-pretty': ('PHP json_encode(json_decode($body), JSON_PRETTY_PRINT)', 'php'),
    'ruby': ('Ruby JSON.generate(JSON.parse(body)) (also #to_json)', 'ruby'),
    'ruby-pretty': ('Ruby JSON.pretty_generate(JSON.parse(body))', 'ruby'),
    'go': ('Go json.Marshal of the interface{} json.Unmarshal gives', 'go'),
    'jackson': ('Java Jackson ObjectMapper.writeValueAsString(mapper.readTree(body))', 'java'),
    'gson': ('Java Gson new Gson().toJson(JsonParser.parseString(body))', 'java'),
    'gson-map': ('Java Gson new Gson().toJson(gson.fromJson(body, Map.class))', 'java'),
    'dotnet': ('.NET System.Text.Json JsonNode.Parse(body).ToJsonString() (default encoder)', 'modelled'),
}
tools = dict(line.split(' ', 1) for line in versions.splitlines())

vectors = []
for path in tsvs:
    for line in open(path, encoding='ascii'):
        serializer, name, b64, mac = line.rstrip('\n').split('\t')
        data = base64.b64decode(b64)
        if not hmac.compare_digest(hmac.new(secret.encode(), data, hashlib.sha256).hexdigest(), mac):
            sys.exit(f'HMAC mismatch for {serializer}/{name}')
        if serializer not in SERIALIZERS:
            sys.exit(f'unknown serializer {serializer}')
        vectors.append({
            'serializer': serializer,
            'corpus': name,
            'signed': data.decode('utf-8'),
            'signature': mac,
            'sameAsBody': data == bodies[name].encode('utf-8'),
        })

serializers = {}
for sid, (label, tool) in SERIALIZERS.items():
    serializers[sid] = {
        'label': label,
        'produced': 'modelled' if tool == 'modelled' else 'real',
        'by': 'scripts/serializers/dotnet_model.py (a model written from dotnet/runtime source; no .NET in Debian)' if tool == 'modelled' else tools[tool],
    }

doc = {
    'source': 'scripts/make-serializer-vectors.sh',
    'note': 'Each corpus body (what a receiver has) parsed and re-serialized by each serializer; "signed" is its output '
            'and "signature" HMAC-SHA256 hex of it under "secret", computed in the serializer\'s own language. '
            'Serializers marked "modelled" were not run: see "by".',
    'secret': secret,
    'algorithm': 'HMAC-SHA256, hex',
    'serializers': serializers,
    'corpus': corpus,
    'vectors': vectors,
}
with open(out, 'w', encoding='utf-8') as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
    f.write('\n')
