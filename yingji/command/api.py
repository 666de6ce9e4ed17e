"""应急指挥 API (routers are mounted under /api/v1/command)."""

from ninja import Router

router = Router(tags=["command"])
