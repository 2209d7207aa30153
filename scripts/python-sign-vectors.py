#!/usr/bin/env python3
"""Signs sample deliveries with Python's hmac/hashlib, independently of cg-hooks' own signing code.

Writes fixtures/deliveries/python-signed.json. The listener tests replay these deliveries and expect every
signature to verify: if cg-hooks and Python ever disagree on the bytes or the digest, the test fails.
Bodies are serialized the way CustomerGlu's Python sample does it:
json.dumps(obj, ensure_ascii=False, separators=(',', ':')), encoded as UTF-8 (non-ASCII included).
Run: python3 scripts/python-sign-vectors.py
"""
import base64
import hashlib
import hmac
import json
import os

SECRET = "py-s3cret-\u00e9t\u00e9"  # non-ASCII secret: the key is its UTF-8 bytes
LICENSE = "~2024c5d1"


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry(provider, event, body, headers=None, query=None):
    return {
        "provider": provider,
        "event": event,
        "headers": headers or {},
        "query": query or {},
        "bodyBase64": base64.b64encode(body).decode("ascii"),
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def hex_hmac(algorithm, body):
    return hmac.new(SECRET.encode("utf-8"), body, algorithm).hexdigest()


cg_reward = compact({
    "campaignId": "6bab1116-ae8e-4644-9cee-7a3d8ee9aff3",
    "type": "direct",
    "rewardType": "points",
    "userId": "test-8-june-9",
    "rewardId": "acdc71c6-08ad-4cd9-8c1e-3c812487b854",
    "status": "redeemable-unseen",
    "rewardName": "150 pi\u00e8ces",
    "rewardAmount": 150,
    "body": "Vous avez gagn\u00e9 150 pi\u00e8ces \u2728",
    "tnc": ["NA"],
    "details": {"currency": "EUR", "campaignName": "Caf\u00e9 Rewards"},
})

mgpass = compact({
    "event_type": "rewards.points_awarded",
    "data": {"user_id": "usr_abc123", "points": 150, "event_type": "purchase", "platform": "3news"},
    "timestamp": "2025-01-15T10:30:00.000Z",
})

segment = compact({
    "version": 1,
    "type": "track",
    "userId": "019mr8mf4r",
    "event": "Purchased an Item",
    "properties": {"revenue": "39.95", "shippingMethod": "2-day"},
    "timestamp": "2012-12-02T00:30:08.276Z",
})

webengage = compact({
    "event_data": {"eventName": "order_placed", "amount": 499},
    "system_data": {"user_id": "we_user_42"},
})
webengage_query = {
    "eventType": "order_placed",
    "licenseCode": LICENSE,
    "secret": hashlib.md5(f"{LICENSE}:{SECRET}".encode("utf-8")).hexdigest(),
}

vectors = {
    "description": "Deliveries signed by Python's hmac (scripts/python-sign-vectors.py), not by cg-hooks.",
    "secret": SECRET,
    "licenseCode": LICENSE,
    "deliveries": [
        entry("customerglu", "reward", cg_reward, {"X-CG-SIGNATURE": hex_hmac(hashlib.sha1, cg_reward)}),
        entry("mgpass", "rewards.points_awarded", mgpass, {"X-Webhook-Signature": hex_hmac(hashlib.sha256, mgpass)}),
        entry("segment", "track", segment, {"X-Signature": hex_hmac(hashlib.sha1, segment)}),
        entry("webengage", None, webengage, {}, webengage_query),
    ],
}

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "deliveries", "python-signed.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(vectors, f, ensure_ascii=False, indent=2)
    f.write("\n")
print("wrote", os.path.normpath(out))
