"""监测预警 API (routers are mounted under /api/v1/monitoring)."""

from ninja import Router

router = Router(tags=["monitoring"])
