"""Template context every page needs: the platform's name, the user's role label, map settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "PLATFORM_NAME": "盘山县智慧应急管理平台",
        "TILE_URL": settings.YINGJI_TILE_URL,
        "TILE_ATTRIBUTION": settings.YINGJI_TILE_ATTRIBUTION,
        "DEMO_BANNER": settings.YINGJI_DEMO_BANNER,
    }
