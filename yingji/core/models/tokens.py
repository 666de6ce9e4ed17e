"""Bearer tokens stored as digests: the shape API tokens and device credentials share."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.db import models


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked table reveals no usable token."""
    return hashlib.sha256(raw.encode()).hexdigest()


class HashedToken(models.Model):
    """A revocable bearer token of which only a short prefix (to recognise it) and the digest are kept."""

    prefix = models.CharField("前缀", max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    raw_prefix: ClassVar[str] = "yj_"

    class Meta:
        abstract = True

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.raw_prefix + secrets.token_urlsafe(32)

    @classmethod
    def issue_fields(cls) -> tuple[str, dict[str, str]]:
        """A fresh raw token and the fields that store it (prefix and digest, never the token)."""
        raw = cls.new_raw_token()
        return raw, {"prefix": raw[:10], "digest": hash_token(raw)}
