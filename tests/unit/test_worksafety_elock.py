"""The reference lock-side verifier: a genuine token opens once; forged, altered, expired, replayed and
wrong-lock tokens keep the lock shut (docs/worksafety.md describes the same steps)."""

from __future__ import annotations

import base64
import json

import pytest

from yingji.worksafety import elock
from yingji.worksafety.elock import LockVerifier, TokenRejected, UnlockClaims

PLATFORM = elock.private_key_from_seed(bytes(range(32)))
ATTACKER = elock.private_key_from_seed(bytes(range(1, 33)))
PUBLIC = elock.public_key_bytes(PLATFORM)
NOW = 1_795_000_000


def claims(**change: object) -> UnlockClaims:
    base = {"lock": "LOCK-1", "tool": 7, "permit": "DH-20261128-0001", "jti": "a1", "iat": NOW, "exp": NOW + 120}
    return UnlockClaims(**(base | change))  # type: ignore[arg-type]


def verifier(lock_id: str = "LOCK-1") -> LockVerifier:
    return LockVerifier(lock_id, PUBLIC, skew_s=30)


def rejected(lock: LockVerifier, token: str, now: int = NOW) -> str:
    with pytest.raises(TokenRejected) as exc:
        lock.verify(token, now)
    return exc.value.code


def test_genuine_token_opens_once() -> None:
    lock = verifier()
    token = elock.sign(claims(), PLATFORM)
    assert lock.verify(token, NOW + 5) == claims()
    assert rejected(lock, token, NOW + 6) == "replayed"


def test_forged_signature_is_rejected() -> None:
    assert rejected(verifier(), elock.sign(claims(), ATTACKER)) == "bad_signature"


def test_altered_payload_is_rejected() -> None:
    payload, signature = elock.sign(claims(), PLATFORM).split(".")
    altered = dict(json.loads(base64.urlsafe_b64decode(payload + "==")), exp=NOW + 86_400)
    forged_payload = base64.urlsafe_b64encode(json.dumps(altered, sort_keys=True, separators=(",", ":")).encode())
    assert rejected(verifier(), forged_payload.rstrip(b"=").decode() + "." + signature) == "bad_signature"


@pytest.mark.parametrize(("now", "code"), [(NOW + 150, None), (NOW + 151, "expired"), (NOW - 31, "not_yet_valid")])
def test_expiry_with_clock_skew(now: int, code: str | None) -> None:
    token = elock.sign(claims(), PLATFORM)
    if code is None:
        assert verifier().verify(token, now).jti == "a1"
    else:
        assert rejected(verifier(), token, now) == code


def test_token_for_another_tool_lock_is_rejected() -> None:
    assert rejected(verifier("LOCK-2"), elock.sign(claims(), PLATFORM)) == "wrong_lock"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 2000, "!!!.???"])
def test_malformed_tokens(token: str) -> None:
    assert rejected(verifier(), token) in {"malformed", "bad_signature"}


def test_used_ids_are_forgotten_after_expiry() -> None:
    lock = verifier()
    lock.verify(elock.sign(claims(jti="old"), PLATFORM), NOW)
    lock.verify(elock.sign(claims(jti="new", iat=NOW + 1000, exp=NOW + 1120), PLATFORM), NOW + 1000)
    assert set(lock.used) == {"new"}
