"""危险化学品 API (routers are mounted under /api/v1/hazmat)."""

from ninja import Router

router = Router(tags=["hazmat"])
