"""Device authentication: `Authorization: Bearer yjd_…` makes the request act as one device."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from yingji.core.auth import API_AUTH

from .constants import DEVICE_TOKEN_PREFIX
from .devices import device_for_token
from .models import Device


class DeviceToken(HttpBearer):
    """A device's own token; other bearer tokens fall through to the user authenticators."""

    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        if not token.startswith(DEVICE_TOKEN_PREFIX):
            return None
        return device_for_token(token)


# Ingestion accepts a device token, or a user's token / session with write scope over the devices.
INGEST_AUTH: list[Any] = [DeviceToken(), *API_AUTH]
