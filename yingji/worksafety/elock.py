"""Signed single-use unlock tokens for tool e-locks (Ed25519), and the reference lock-side verifier. No Django.

A token is ``<payload>.<signature>``, both unpadded base64url. The payload is canonical JSON (sorted keys, no
spaces) of :class:`UnlockClaims`; the signature is Ed25519 over ``b"yingji-elock-v1." + <payload>`` (the ASCII
of the base64url text, so the lock verifies the bytes it received without re-encoding JSON). The platform
signs with its private key; each lock holds only the 32-byte public key and its own lock id, so it verifies
offline and a stolen lock reveals nothing that mints tokens. docs/worksafety.md describes the same steps.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION: Final = 1
CONTEXT: Final = b"yingji-elock-v1."
MAX_TOKEN_LENGTH: Final = 1024


@dataclass(frozen=True)
class UnlockClaims:
    """What a token allows: this lock, for this tool and permit, once, between ``iat`` and ``exp`` (Unix s)."""

    lock: str
    tool: int
    permit: str
    jti: str
    iat: int
    exp: int
    v: int = VERSION


class TokenRejected(ValueError):
    """The lock must stay closed; ``code`` is stable for the lock's log, the message is Chinese for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The platform's signing key from a 32-byte seed."""
    if len(seed) != 32:
        raise ValueError("电子锁签名密钥种子必须为 32 字节")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key provisioned into every lock."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(claims: UnlockClaims, key: Ed25519PrivateKey) -> str:
    payload = _b64encode(json.dumps(asdict(claims), sort_keys=True, separators=(",", ":"),
                                    ensure_ascii=True).encode("ascii"))
    return f"{payload}.{_b64encode(key.sign(CONTEXT + payload.encode('ascii')))}"


def decode_verified(token: str, public_key: bytes) -> UnlockClaims:
    """The claims of a token whose signature is the platform's.

    :raises TokenRejected: malformed, or the signature does not verify (forged or altered).
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise TokenRejected("malformed", "令牌格式错误")
    payload, signature = token.split(".")
    try:
        raw_signature = _b64decode(signature)
        Ed25519PublicKey.from_public_bytes(public_key).verify(raw_signature, CONTEXT + payload.encode("ascii"))
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        raise TokenRejected("bad_signature", "令牌签名无效（伪造或被篡改）") from None
    try:
        data = json.loads(_b64decode(payload))
        claims = UnlockClaims(lock=str(data["lock"]), tool=int(data["tool"]), permit=str(data["permit"]),
                              jti=str(data["jti"]), iat=int(data["iat"]), exp=int(data["exp"]), v=int(data["v"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TokenRejected("malformed", "令牌内容格式错误") from None
    if claims.v != VERSION:
        raise TokenRejected("version", f"不支持的令牌版本 {claims.v}")
    return claims


@dataclass
class LockVerifier:
    """The check a lock runs before releasing the tool's power, entirely offline.

    Keeps the ids of tokens already used until they expire, so a token opens the lock once: a replay inside
    its lifetime is refused here, and after its lifetime the expiry refuses it anyway.
    """

    lock_id: str
    public_key: bytes
    skew_s: int = 30
    used: dict[str, int] = field(default_factory=dict)  # jti -> exp

    def verify(self, token: str, now: int) -> UnlockClaims:
        """Accept the token once, or raise :class:`TokenRejected` with why the lock stays shut."""
        claims = decode_verified(token, self.public_key)
        if claims.lock != self.lock_id:
            raise TokenRejected("wrong_lock", f"令牌属于电子锁 {claims.lock}，不是本锁 {self.lock_id}")
        if now > claims.exp + self.skew_s:
            raise TokenRejected("expired", "令牌已过期，请重新扫码申请")
        if claims.iat > now + self.skew_s:
            raise TokenRejected("not_yet_valid", "令牌签发时间晚于锁的时钟，请校准锁的时钟")
        for jti in [j for j, exp in self.used.items() if exp + self.skew_s < now]:
            del self.used[jti]
        if claims.jti in self.used:
            raise TokenRejected("replayed", "令牌已使用过（一次性令牌不能重复开锁）")
        self.used[claims.jti] = claims.exp
        return claims
