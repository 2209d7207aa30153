#!/usr/bin/env python3
"""Known-answer signature vectors for every scheme cg-hooks signs, computed independently of cg-hooks
with Python's hmac/hashlib/base64 only. Run once; the output is committed under fixtures/vectors/.

    python3 scripts/make-vectors.py

Every vector gives the inputs (secret, body, timestamp, id, ...) and the exact headers / query parameters
the sender puts on the request. test/signing.vectors.test.ts checks `signRequest` produces them and
`verifyRequest` accepts them.
"""
import base64
import hashlib
import hmac
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'vectors')

BODIES = {
    'compact': '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"u-1","rewardAmount":15}',
    'unicode': '{"rewardName":"Café crème ☕","details":{"city":"São Paulo","emoji":"🎁"}}',
    'empty-object': '{}',
    'pretty': '{\n  "event_type": "rewards.points_awarded",\n  "data": {\n    "points": 150\n  }\n}',
}


def mac(algorithm, key, content):
    if isinstance(key, str):
        key = key.encode('utf-8')
    return hmac.new(key, content.encode('utf-8'), getattr(hashlib, algorithm)).digest()


def hexmac(algorithm, key, content):
    return mac(algorithm, key, content).hex()


def b64mac(algorithm, key, content):
    return base64.b64encode(mac(algorithm, key, content)).decode('ascii')


def simple(scheme, header, algorithm, secrets, prefix='', encoding='hex', extra=None):
    out = []
    for secret in secrets:
        for name, body in BODIES.items():
            digest = hexmac(algorithm, secret, body) if encoding == 'hex' else b64mac(algorithm, secret, body)
            headers = {header: prefix + digest}
            if extra:
                headers.update(extra(secret, body))
            out.append({'name': f'{name}', 'secret': secret, 'body': body, 'headers': headers, 'query': {}})
    return out


def write(scheme, vectors, note, options=None):
    doc = {'scheme': scheme, 'source': 'scripts/make-vectors.py (Python hmac/hashlib/base64)', 'note': note, 'vectors': vectors}
    if options:
        doc['options'] = options
    with open(os.path.join(OUT, f'{scheme}.json'), 'w', encoding='utf-8') as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)

    # CustomerGlu: the documented vector first, then our bodies.
    doc_body = '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"test-8-june-9","rewardId":"acdc71c6-08ad-4cd9-8c1e-3c812487b854","rewardName":"$15","rewardAmount":15,"details":{"currency":"USD","value":15,"reward_reason":"got_referred","userAName":"Test Solve 7","userAId":"test-8-june-7"}}'
    doc_token = 'PbTJp694bmgrfJpJPQmrjGfjgq'
    documented = {'name': 'documented', 'secret': doc_token, 'body': doc_body, 'headers': {'X-CG-SIGNATURE': hexmac('sha1', doc_token, doc_body)}, 'query': {}}
    assert documented['headers']['X-CG-SIGNATURE'] == 'f2719895b483fbf3f98e1936bc88271cbe74f138'
    write('customerglu', [documented] + simple('customerglu', 'X-CG-SIGNATURE', 'sha1', ['s3cret', 'PbTJp694bmgrfJpJPQmrjGfjgq']),
          'X-CG-SIGNATURE = hex(HMAC-SHA1(token, body))')

    write('mgpass', simple('mgpass', 'X-Webhook-Signature', 'sha256', ['whsec_mgpass_demo', 'k']), 'X-Webhook-Signature = hex(HMAC-SHA256(secret, body))')
    write('segment', simple('segment', 'X-Signature', 'sha1', ['segment-shared-secret']), 'X-Signature = hex(HMAC-SHA1(shared secret, body))')

    # GitHub: the documented vector, and GitHub's legacy SHA-1 header beside the SHA-256 one.
    gh = []
    for secret, body in [("It's a Secret to Everybody", 'Hello, World!')] + [('gh-secret', b) for b in BODIES.values()]:
        gh.append({'name': 'documented' if body == 'Hello, World!' else 'body', 'secret': secret, 'body': body, 'query': {},
                   'headers': {'X-Hub-Signature': 'sha1=' + hexmac('sha1', secret, body), 'X-Hub-Signature-256': 'sha256=' + hexmac('sha256', secret, body)}})
    assert gh[0]['headers']['X-Hub-Signature-256'] == 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
    write('github', gh, 'X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(secret, body)); X-Hub-Signature = "sha1=" + hex(HMAC-SHA1)')

    write('shopify', simple('shopify', 'X-Shopify-Hmac-SHA256', 'sha256', ['shpss_demo'], encoding='base64'), 'X-Shopify-Hmac-SHA256 = base64(HMAC-SHA256(secret, body))')

    slack = []
    for t in [1531420618, 1767225600]:
        for name, body in BODIES.items():
            secret = '8f742231b10e8888abcd99yyyzzz85a5'
            slack.append({'name': name, 'secret': secret, 'body': body, 'timestamp': t, 'query': {},
                          'headers': {'X-Slack-Request-Timestamp': str(t), 'X-Slack-Signature': 'v0=' + hexmac('sha256', secret, f'v0:{t}:{body}')}})
    write('slack', slack, 'X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:{t}:{body}"))')

    stripe = []
    for t in [1492774577, 1767225600]:
        for name, body in BODIES.items():
            secret = 'whsec_test_secret'  # Stripe uses the whole string, prefix included, as the key
            stripe.append({'name': name, 'secret': secret, 'body': body, 'timestamp': t, 'query': {},
                           'headers': {'Stripe-Signature': f't={t},v1=' + hexmac('sha256', secret, f'{t}.{body}')}})
    write('stripe', stripe, 'Stripe-Signature = "t={t},v1=" + hex(HMAC-SHA256(secret verbatim, "{t}.{body}"))')

    sw = []
    doc_key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    cases = [('documented', doc_key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')]
    cases += [(name, 'whsec_' + base64.b64encode(b'cg-hooks standard webhooks key!').decode(), 'msg_2Lh9KRb0pzn5CjvqRJmyV1f4YAQ', 1767225600, body) for name, body in BODIES.items()]
    for name, secret, msg_id, t, body in cases:
        key = base64.b64decode(secret[len('whsec_'):])
        sw.append({'name': name, 'secret': secret, 'body': body, 'timestamp': t, 'id': msg_id, 'query': {},
                   'headers': {'webhook-id': msg_id, 'webhook-timestamp': str(t), 'webhook-signature': 'v1,' + b64mac('sha256', key, f'{msg_id}.{t}.{body}')}})
    assert sw[0]['headers']['webhook-signature'] == 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    write('standard-webhooks', sw, 'webhook-signature = "v1," + base64(HMAC-SHA256(base64decode(secret after whsec_), "{id}.{t}.{body}"))')

    custom = []
    for algorithm, encoding, prefix, header in [('sha512', 'base64', 'sha512=', 'X-Custom-Signature'), ('md5', 'hex', '', 'X-Sig'), ('sha1', 'hex', 'sha1=', 'X-Hook-Sig'), ('sha256', 'base64', '', 'X-Signature')]:
        for name, body in BODIES.items():
            secret = 'custom-secret'
            digest = hexmac(algorithm, secret, body) if encoding == 'hex' else b64mac(algorithm, secret, body)
            custom.append({'name': name, 'secret': secret, 'body': body, 'query': {}, 'headers': {header: prefix + digest},
                           'custom': {'algorithm': algorithm, 'header': header, 'encoding': encoding, 'prefix': prefix}})
    write('hmac', custom, 'custom: <header> = <prefix> + encode(HMAC-<algorithm>(secret, body))')

    we = []
    for license_code, secret, event_type in [('~2024c5d1', 'whsec_demo', 'user_event'), ('~15ba20a1e', 'd7b4-secret', 'system_event')]:
        we.append({'name': license_code, 'secret': secret, 'licenseCode': license_code, 'eventType': event_type, 'body': BODIES['compact'], 'headers': {},
                   'query': {'eventType': event_type, 'licenseCode': license_code, 'secret': hashlib.md5(f'{license_code}:{secret}'.encode()).hexdigest()}})
    assert we[0]['query']['secret'] == 'e1305d13cda89fa8609a9915ba8c6904'
    write('webengage', we, 'query secret = md5hex("<licenseCode>:<webhook secret key>")')

    basic = []
    for user in ['acme:p4ss', 'cust_8Wq2:pä:ss']:
        basic.append({'name': user.split(':')[0], 'user': user, 'body': BODIES['compact'], 'query': {},
                      'headers': {'Authorization': 'Basic ' + base64.b64encode(user.encode('utf-8')).decode()}})
    write('basic', basic, 'Authorization = "Basic " + base64(utf8("user:password")) (Rehook)')

    # How Python's json writes a tricky body, for the --explain serializer emulation (test/signing.explain.test.ts).
    tricky = '{"name":"Café ☕ 🎁","url":"https://cg.io/a?b=1&c=<2>","n":[1.0,1e3,-0.0,0.1,1e-7,12345678901234567890,1.5e16,-2],"z":{"2":"b","1":"a"},"e":{},"ctl":"a\\u0001\\u007f","t":true,"nil":null}'
    obj = json.loads(tricky)
    forms = {
        'py-default': json.dumps(obj),
        'py-compact-ascii': json.dumps(obj, separators=(',', ':')),
        'py-spaces-utf8': json.dumps(obj, ensure_ascii=False),
        'py-compact-utf8': json.dumps(obj, ensure_ascii=False, separators=(',', ':')),
        'py-sorted': json.dumps(obj, sort_keys=True),
        'py-sorted-compact': json.dumps(obj, sort_keys=True, separators=(',', ':'), ensure_ascii=False),
        'py-indent-2': json.dumps(obj, indent=2),
        'py-indent-4': json.dumps(obj, indent=4),
        'double-py': json.dumps(tricky),
    }
    os.makedirs(os.path.join(OUT, '..', 'explain'), exist_ok=True)
    with open(os.path.join(OUT, '..', 'explain', 'python-forms.json'), 'w', encoding='utf-8') as f:
        json.dump({'source': 'scripts/make-vectors.py (Python json module)', 'body': tricky, 'forms': forms}, f, ensure_ascii=False, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
