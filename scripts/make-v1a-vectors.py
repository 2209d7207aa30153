#!/usr/bin/python3
"""Standard Webhooks asymmetric (v1a, ed25519) test vectors, made with an implementation independent of
cg-hooks: Python's `cryptography` (OpenSSL) for ed25519, and hmac/hashlib for the v1 signatures they mix with.

    apt-get install -y python3-cryptography     # Debian's package; run with the system Python
    /usr/bin/python3 scripts/make-v1a-vectors.py

Writes fixtures/vectors/standard-webhooks-v1a.json; fixtures/vectors/README.md describes the format.
Keys come from fixed seeds and ed25519 signatures are deterministic (RFC 8032), so the output is stable.
"""
import base64
import hashlib
import hmac
import json
import os

import cryptography
from cryptography.hazmat.backends.openssl.backend import backend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'vectors', 'standard-webhooks-v1a.json')

b64 = lambda b: base64.b64encode(b).decode('ascii')


def key_pair(label):
    seed = hashlib.sha256(f'cg-hooks standard-webhooks v1a vector key: {label}'.encode()).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) == seed
    return {
        'private': private,
        'seed': seed,
        'public': public,
        # The 64-byte form (seed || public key) is what Svix's server, the spec's reference producer, writes
        # after whsk_ (ed25519_compact's SecretKey, libsodium's crypto_sign secret key); the 32-byte seed is
        # what most ed25519 APIs (RFC 8032, Python cryptography, Go's NewKeyFromSeed) take.
        'secretKey': 'whsk_' + b64(seed + public),
        'seedKey': 'whsk_' + b64(seed),
        'publicKey': 'whpk_' + b64(public),
    }


# RFC 8032 section 7.1, TEST 1: the ed25519 implementation itself, before any Standard Webhooks framing.
RFC = {
    'seed': '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    'public': 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    'message': '',
    'signature': 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
}
rfc_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC['seed']))
assert rfc_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex() == RFC['public']
assert rfc_key.sign(bytes.fromhex(RFC['message'])).hex() == RFC['signature']

K1 = key_pair('one')
K2 = key_pair('two')
WHSEC = 'whsec_' + b64(hashlib.sha256(b'cg-hooks standard-webhooks v1 vector secret').digest()[:24])

# The spec's own example message (spec/standard-webhooks.md, "Signature scheme").
SPEC_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
SPEC_T = 1674087231
SPEC_BODY = '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}'
BODIES = {
    'compact': '{"campaignId":"6bab1116-ae8e-4644-9cee-7a3d8ee9aff3","type":"direct","userId":"u-1","rewardAmount":15}',
    'unicode': '{"rewardName":"Café crème ☕","details":{"city":"São Paulo","emoji":"🎁"}}',
    'pretty': '{\n  "event_type": "rewards.points_awarded",\n  "data": {\n    "points": 150\n  }\n}\n',
    'empty': '',
}
ID = 'msg_2Lh9KRb0pzn5CjvqRJmyV1f4YAQ'
T = 1767225600


def content(msg_id, t, body):
    return f'{msg_id}.{t}.'.encode() + body.encode('utf-8')


def v1a(key, msg_id, t, body):
    return 'v1a,' + b64(key['private'].sign(content(msg_id, t, body)))


def v1(secret, msg_id, t, body):
    raw = base64.b64decode(secret[len('whsec_'):])
    return 'v1,' + b64(hmac.new(raw, content(msg_id, t, body), hashlib.sha256).digest())


vectors = []


def add(name, description, header, expect, msg=(ID, T, BODIES['compact']), public_keys=(), secrets=(), secret_key=None):
    msg_id, t, body = msg
    v = {'name': name, 'description': description, 'id': msg_id, 'timestamp': t, 'body': body}
    if secret_key:
        v['secretKey'] = secret_key
    v.update({'publicKeys': list(public_keys), 'secrets': list(secrets), 'header': header, 'expect': expect})
    vectors.append(v)


# Valid: each signed by K1; `secretKey` is what signs, `header` the exact webhook-signature value.
add('spec-example', "the spec's example message, minified", v1a(K1, SPEC_ID, SPEC_T, SPEC_BODY),
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 0}},
    msg=(SPEC_ID, SPEC_T, SPEC_BODY), public_keys=[K1['publicKey']], secret_key=K1['secretKey'])
for name, body in BODIES.items():
    header = v1a(K1, ID, T, body)
    add(f'valid-{name}', f'{name} body', header, {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 0}},
        msg=(ID, T, body), public_keys=[K1['publicKey']], secret_key=K1['secretKey'])
add('valid-seed-form-key', 'signed with the 32-byte seed form of the same key: same signature', v1a(K1, ID, T, BODIES['unicode']),
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 0}},
    msg=(ID, T, BODIES['unicode']), public_keys=[K1['publicKey']], secret_key=K1['seedKey'])
add('valid-second-public-key', 'a key ring: the second public key verifies (keyIndex 1)', v1a(K1, ID, T, BODIES['compact']),
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 1}}, public_keys=[K2['publicKey'], K1['publicKey']])
add('valid-secret-key-verifies', 'a whsk_ secret key may verify too (its public half is used)', v1a(K1, ID, T, BODIES['compact']),
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 0}}, public_keys=[K1['secretKey']])

# Mixed headers: v1 (HMAC-SHA256, whsec_) and v1a side by side, space-separated, as the spec's example shows.
sym = v1(WHSEC, ID, T, BODIES['compact'])
asym = v1a(K1, ID, T, BODIES['compact'])
add('mixed-v1a-key-only', 'v1 then v1a; only the public key is configured: v1a matches, second in the header', f'{sym} {asym}',
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 1, 'keyIndex': 0}}, public_keys=[K1['publicKey']])
add('mixed-v1-secret-only', 'v1 then v1a; only the whsec_ secret is configured: v1 matches', f'{sym} {asym}',
    {'valid': True, 'matched': {'version': 'v1', 'signatureIndex': 0, 'keyIndex': 0}}, secrets=[WHSEC])
add('mixed-both-keys', 'v1a then v1, both keys configured: the first signature in the header that verifies wins', f'{asym} {sym}',
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 0, 'keyIndex': 0}}, public_keys=[K1['publicKey']], secrets=[WHSEC])
add('mixed-rotation', 'old key (K2) then new key (K1), both v1a; only the new public key is configured', f"{v1a(K2, ID, T, BODIES['compact'])} {asym}",
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 1, 'keyIndex': 0}}, public_keys=[K1['publicKey']])
add('mixed-unknown-versions', 'unknown versions (v2, v1b) and extra spaces are skipped', f'v2,AAAA  v1b,{asym[4:]}   {asym}',
    {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': 2, 'keyIndex': 0}}, public_keys=[K1['publicKey']])

# Invalid: each must be refused.
good = asym
add('tampered-body', 'one byte of the body changed after signing', good, {'valid': False}, msg=(ID, T, BODIES['compact'].replace('15', '16')), public_keys=[K1['publicKey']])
add('trailing-newline', 'the body gained a trailing newline', good, {'valid': False}, msg=(ID, T, BODIES['compact'] + '\n'), public_keys=[K1['publicKey']])
add('wrong-key', "verified with another key pair's public key", good, {'valid': False}, public_keys=[K2['publicKey']])
add('wrong-id', 'the webhook-id differs from the signed one', good, {'valid': False}, msg=('msg_2Lh9KRb0pzn5CjvqRJmyV1f4YAR', T, BODIES['compact']), public_keys=[K1['publicKey']])
add('wrong-timestamp', 'the webhook-timestamp differs by one second', good, {'valid': False}, msg=(ID, T + 1, BODIES['compact']), public_keys=[K1['publicKey']])
add('v1a-as-v1', 'an ed25519 signature labelled v1 is not a v1a signature', 'v1,' + good[4:], {'valid': False}, public_keys=[K1['publicKey']])
add('uppercase-version', 'the identifier is "v1a", case-sensitive', 'V1A,' + good[4:], {'valid': False}, public_keys=[K1['publicKey']])
add('no-comma', 'the version without its comma', 'v1a' + good[4:], {'valid': False}, public_keys=[K1['publicKey']])
add('truncated-signature', '63 of the 64 signature bytes', 'v1a,' + b64(base64.b64decode(good[4:])[:63]), {'valid': False}, public_keys=[K1['publicKey']])
add('hmac-length-signature', 'a 32-byte value in a v1a slot', 'v1a,' + sym[3:], {'valid': False}, public_keys=[K1['publicKey']])
add('not-base64', 'the signature is not base64', 'v1a,' + good[4:40] + '!!' + good[42:], {'valid': False}, public_keys=[K1['publicKey']])
add('flipped-bit', 'the signature with one bit flipped', 'v1a,' + b64(bytes([base64.b64decode(good[4:])[0] ^ 1]) + base64.b64decode(good[4:])[1:]), {'valid': False}, public_keys=[K1['publicKey']])
add('empty-header', 'an empty webhook-signature value', '', {'valid': False}, public_keys=[K1['publicKey']])
add('v1-without-secret', 'a valid v1 signature, but only a public key is configured', sym, {'valid': False}, public_keys=[K1['publicKey']])
add('v1a-without-public-key', 'a valid v1a signature, but only a whsec_ secret is configured', good, {'valid': False}, secrets=[WHSEC])


def py_verify(header, msg_id, t, body, public_keys, secrets):
    """This script's own verifier: every expectation above must be what it computes."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    data = content(msg_id, t, body)
    for i, part in enumerate(p for p in header.split(' ') if p):
        version, _, sig = part.partition(',')
        try:
            raw = base64.b64decode(sig, validate=True)
        except Exception:
            continue
        if version == 'v1a' and len(raw) == 64:
            for k, key in enumerate(public_keys):
                decoded = base64.b64decode(key.split('_', 1)[1])
                public = decoded[32:] if key.startswith('whsk_') and len(decoded) == 64 else decoded
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(raw, data)
                    return {'valid': True, 'matched': {'version': 'v1a', 'signatureIndex': i, 'keyIndex': k}}
                except Exception:
                    pass
        if version == 'v1' and len(raw) == 32:
            for k, secret in enumerate(secrets):
                mac = hmac.new(base64.b64decode(secret[len('whsec_'):]), data, hashlib.sha256).digest()
                if hmac.compare_digest(mac, raw):
                    return {'valid': True, 'matched': {'version': 'v1', 'signatureIndex': i, 'keyIndex': k}}
    return {'valid': False}


for v in vectors:
    got = py_verify(v['header'], v['id'], v['timestamp'], v['body'], v['publicKeys'], v['secrets'])
    assert got == v['expect'], (v['name'], got)
    if 'secretKey' in v:  # deterministic: signing again gives the same header
        seed = base64.b64decode(v['secretKey'][5:])[:32]
        again = 'v1a,' + b64(Ed25519PrivateKey.from_private_bytes(seed).sign(content(v['id'], v['timestamp'], v['body'])))
        assert again == v['header'], v['name']

# Keys that must be refused, with the part of the reason a implementation should give.
K1_PUBLIC_MISMATCH = 'whsk_' + b64(K1['seed'] + K2['public'])
malformed = [
    {'name': 'secret-bad-base64', 'kind': 'secret', 'key': 'whsk_' + K1['secretKey'][5:40] + '*' + K1['secretKey'][41:], 'reason': 'base64'},
    {'name': 'secret-31-bytes', 'kind': 'secret', 'key': 'whsk_' + b64(K1['seed'][:31]), 'reason': '32 or 64 bytes'},
    {'name': 'secret-48-bytes', 'kind': 'secret', 'key': 'whsk_' + b64((K1['seed'] + K1['public'])[:48]), 'reason': '32 or 64 bytes'},
    {'name': 'secret-public-half-mismatch', 'kind': 'secret', 'key': K1_PUBLIC_MISMATCH, 'reason': 'public half'},
    {'name': 'secret-given-public-key', 'kind': 'secret', 'key': K1['publicKey'], 'reason': 'whpk_'},
    {'name': 'secret-given-whsec', 'kind': 'secret', 'key': WHSEC, 'reason': 'whsec_'},
    {'name': 'secret-no-prefix', 'kind': 'secret', 'key': K1['secretKey'][5:], 'reason': 'whsk_'},
    {'name': 'secret-empty', 'kind': 'secret', 'key': 'whsk_', 'reason': 'empty'},
    {'name': 'public-bad-base64', 'kind': 'public', 'key': 'whpk_' + K1['publicKey'][5:20] + '_' + K1['publicKey'][21:], 'reason': 'base64'},
    {'name': 'public-33-bytes', 'kind': 'public', 'key': 'whpk_' + b64(K1['public'] + b'\x00'), 'reason': '32 bytes'},
    {'name': 'public-31-bytes', 'kind': 'public', 'key': 'whpk_' + b64(K1['public'][:31]), 'reason': '32 bytes'},
    {'name': 'public-given-whsec', 'kind': 'public', 'key': WHSEC, 'reason': 'whsec_'},
    {'name': 'public-no-prefix', 'kind': 'public', 'key': K1['publicKey'][5:], 'reason': 'whpk_'},
]
# Python agrees these bytes are not a usable key (the public-half mismatch is a framing check, not a crypto one).
for m in malformed:
    raw = m['key'].split('_', 1)[1] if '_' in m['key'] else m['key']
    try:
        data = base64.b64decode(raw, validate=True)
    except Exception:
        continue
    if m['kind'] == 'public' and m['key'].startswith('whpk_'):
        assert len(data) != 32
doc = {
    'scheme': 'standard-webhooks',
    'version': 'v1a',
    'source': f'scripts/make-v1a-vectors.py (Python cryptography {cryptography.__version__}, {backend.openssl_version_text()})',
    'spec': 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    'note': 'webhook-signature = "v1a," + base64(ed25519_sign(secret key, "{webhook-id}.{webhook-timestamp}.{body}")); '
            'whsk_ + base64 of the 64-byte secret key (seed || public key; a 32-byte seed is accepted too), whpk_ + base64 of the 32-byte public key. '
            'Several signatures, v1 and v1a mixed, are space-separated. See fixtures/vectors/README.md.',
    'keys': {
        'k1': {k: K1[k] for k in ('secretKey', 'seedKey', 'publicKey')},
        'k2': {k: K2[k] for k in ('secretKey', 'seedKey', 'publicKey')},
        'whsec': WHSEC,
    },
    'rfc8032': {'seedKey': 'whsk_' + b64(bytes.fromhex(RFC['seed'])), 'publicKey': 'whpk_' + b64(bytes.fromhex(RFC['public'])), 'message': RFC['message'], 'signature': b64(bytes.fromhex(RFC['signature']))},
    'vectors': vectors,
    'malformedKeys': malformed,
}
with open(OUT, 'w', encoding='utf-8') as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
    f.write('\n')
print(f'wrote {len(vectors)} vectors and {len(malformed)} malformed keys to {os.path.normpath(OUT)}')
