"""Kernel writes: API tokens and two-factor enrolment, each audited in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyotp
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import ApiToken, AuditAction, User

TOTP_ISSUER = "Yingji 应急"


@transaction.atomic
def issue_api_token(user: User, *, name: str, actor: Any, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token bound to `user`; the raw value is returned once and never stored."""
    raw, stored = ApiToken.issue_fields()
    token = ApiToken.objects.create(user=user, name=name, expires_at=expires_at, **stored)
    audit.record(
        AuditAction.TOKEN_ISSUED,
        actor=actor,
        object_type="core.apitoken",
        object_id=token.pk,
        object_repr=str(token),
        after={"user": user.username, "name": name},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a token at once; requests carrying it are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            AuditAction.TOKEN_REVOKED,
            actor=actor,
            object_type="core.apitoken",
            object_id=token.pk,
            object_repr=str(token),
        )
    return token


def totp_for(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret)


def provisioning_uri(user: User) -> str:
    return totp_for(user).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


@transaction.atomic
def start_totp_enrolment(user: User) -> User:
    """Give the user a fresh secret to scan; it is not trusted until confirm_totp succeeds."""
    if not user.totp_confirmed:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user


def verify_totp(user: User, code: str) -> bool:
    """Accept the current code or its neighbour (30 s of clock skew)."""
    code = "".join(ch for ch in code if ch.isdigit())
    return bool(user.totp_secret) and len(code) == 6 and totp_for(user).verify(code, valid_window=1)


@transaction.atomic
def confirm_totp(user: User, code: str) -> bool:
    """Switch two-factor on once the user proves their authenticator shows the right code."""
    if not verify_totp(user, code):
        return False
    user.totp_confirmed = True
    user.save(update_fields=["totp_confirmed"])
    audit.record(
        AuditAction.TOTP_ENABLED, actor=user, object_type="core.user", object_id=user.pk, object_repr=str(user)
    )
    return True


@transaction.atomic
def record_login(user: User) -> None:
    audit.record(AuditAction.LOGIN, actor=user, object_type="core.user", object_id=user.pk, object_repr=str(user))
