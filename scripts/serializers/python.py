#!/usr/bin/env python3
"""Python's json.dumps(json.loads(body)) with its defaults (", " and ": ", ensure_ascii=True).

Usage: python3 python.py corpus.json SECRET  → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
"""
import base64
import hashlib
import hmac
import json
import sys

corpus = json.load(open(sys.argv[1], encoding='utf-8'))
secret = sys.argv[2].encode('utf-8')
for doc in corpus:
    data = json.dumps(json.loads(doc['body'])).encode('utf-8')
    mac = hmac.new(secret, data, hashlib.sha256).hexdigest()
    print('\t'.join(['py-default', doc['name'], base64.b64encode(data).decode('ascii'), mac]))
