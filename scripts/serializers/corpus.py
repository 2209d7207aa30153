#!/usr/bin/env python3
"""Writes corpus.json: the bodies every serializer in scripts/make-serializer-vectors.sh re-serializes.

Each body is the text a receiver has (compact, as a sender would put it on the wire); the serializers parse it
and write it their way, and that output is what gets signed. Kept as Python so the escapes stay readable.
"""
import json
import os

CORPUS = [
    {
        'name': 'strings',
        'body': '{"name":"Café crème ☕ 🎁","city":"São Paulo","zh":"积分兑换","url":"https://cg.io/r/a?b=1&c=2",'
        '"html":"<b>T&C</b> apply","quote":"it\'s \\"great\\"","math":"1+1=2",'
        '"ctl":"tab\\there\\nnew\\rret\\bbs\\fff\\u0001\\u001f\\u007f","seps":"line\\u2028para\\u2029end",'
        '"esc":"\\u00e9\\/\\u0041","back":"C:\\\\Users\\\\pat","tick":"`code`"}',
    },
    {
        'name': 'numbers',
        'body': '{"one":1.0,"big":1e21,"small":1e-7,"negzero":-0.0,"safe_plus_1":9007199254740993,"e17":1e17,'
        '"u64":12345678901234567890,"tenth":0.1,"int":15,"neg":-2,"e16":1.5e16,"tiny":0.0001,"exp":1e3,"zero":0,'
        '"half":2.5,"price":19.99,"i64max":9223372036854775807,"million":1e6,"tenmillion":1e7}',
    },
    {
        'name': 'mixed',
        'body': '{"event":"reward.earned","id":"evt_2Lh9KRb0pzn5","data":{"2":"b","1":"a","10":"c",'
        '"user":{"id":"u-1","name":"Zoë <VIP>","points":150,"ratio":0.75},'
        '"items":[{"sku":"A/1","price":19.99,"qty":1},{"sku":"B&2","price":1e2,"qty":0}],'
        '"empty":{},"list":[],"ok":true,"nil":null},"amount":1.0}',
    },
]

for doc in CORPUS:
    json.loads(doc['body'])  # every body is valid JSON

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus.json'), 'w', encoding='utf-8') as f:
    json.dump(CORPUS, f, ensure_ascii=False, indent=2)
    f.write('\n')
