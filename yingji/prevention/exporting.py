"""Every prevention list to xlsx or csv (GeoJSON where it has points), through the reader's scope, audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone

from yingji.core import audit
from yingji.core.exports import stream_export
from yingji.core.models import AuditAction


def local(value: Any) -> Any:
    """Aware datetimes as Asia/Shanghai wall-clock text; everything else as is."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def export_list(fmt: str, basename: str, headers: Sequence[str], rows: QuerySet[Any],
                row: Callable[[Any], Sequence[Any]], *, user: Any, params: Mapping[str, Any],
                point: Callable[[Any], tuple[dict[str, Any], float | None, float | None]] | None = None
                ) -> HttpResponseBase:
    """Stream `rows` as `row(obj)` lines; the export is audited with its filters (who took which data out)."""
    def lines() -> Iterator[list[Any]]:
        for obj in rows.iterator(chunk_size=1000):
            yield [local(v) for v in row(obj)]

    def features() -> Iterable[tuple[dict[str, Any], float | None, float | None]]:
        assert point is not None
        for obj in rows.iterator(chunk_size=1000):
            yield point(obj)

    with transaction.atomic():
        audit.record(AuditAction.EXPORT, actor=user, object_type=rows.model._meta.label_lower,
                     object_repr=f"导出{basename}（{fmt}）", after={"filters": {k: str(v) for k, v in params.items()}})
    return stream_export(fmt, basename, headers, lines(), features=None if point is None else features())
