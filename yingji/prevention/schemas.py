"""API schemas shared by the prevention routers."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class PhotoOut(Schema):
    id: int
    caption: str
    content_type: str
    url: str


class ImportOut(Schema):
    """The row-by-row outcome of an import, dry run or not."""

    dry_run: bool
    total_rows: int
    valid_rows: int
    error_count: int
    written: int
    errors: list[dict[str, Any]]
    message: str


def photos(obj: Any) -> list[dict[str, Any]]:
    return [{"id": p.pk, "caption": p.caption, "content_type": p.content_type,
             "url": f"/api/v1/prevention/photos/{p.pk}"} for p in obj.photos.all()]


def page(rows: Any, limit: int, offset: int) -> tuple[int, Any]:
    """(count, the slice) of a list endpoint: limit 1–1000, offset ≥ 0."""
    limit, offset = max(1, min(limit, 1000)), max(offset, 0)
    return rows.count(), rows[offset: offset + limit]
