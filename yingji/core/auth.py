"""API authentication: the browser session (with CSRF) or a hashed bearer token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .models.tokens import hash_token


def user_for_token(raw: str) -> Any | None:
    """The active user a bearer token belongs to, or None for an unknown, expired or revoked token."""
    token = ApiToken.objects.active().select_related("user").filter(digest=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write last_used_at at most once a minute: tokens are used by busy integrations.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer yj_…` for integrations; the request acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [BearerToken(), SessionAuth(csrf=True)]
