"""Exports of any filtered registry list to xlsx, csv or GeoJSON, through the reader's scope."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db import models, transaction
from django.http.response import HttpResponseBase

from yingji.core import audit
from yingji.core.exports import stream_export
from yingji.core.models import AuditAction

from . import queries
from .resources import ResourceSpec


def export_fields(spec: ResourceSpec) -> list[models.Field]:
    names = list(dict.fromkeys((*spec.list_fields, *spec.form_fields)))
    return [spec.field(n) for n in names]


def _display(obj: models.Model, f: models.Field) -> Any:
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")()
    value = getattr(obj, f.name)
    if f.is_relation:
        return "" if value is None else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def export(spec: ResourceSpec, user: Any, params: Mapping[str, str], fmt: str) -> HttpResponseBase:
    """Stream the scoped, filtered list; the export itself is audited (who took which data out)."""
    fields = export_fields(spec)
    records = queries.visible(spec, user, params).select_related(*[f.name for f in fields if f.is_relation])
    headers = [str(f.verbose_name) for f in fields]

    def rows() -> Iterator[list[Any]]:
        for obj in records.iterator(chunk_size=2000):
            yield [_display(obj, f) for f in fields]

    def features() -> Iterator[tuple[dict[str, Any], float | None, float | None]]:
        for obj in records.iterator(chunk_size=2000):
            props = {
                "id": obj.pk,
                **{f.name: _display(obj, f) for f in fields if f.name not in ("longitude", "latitude")},
            }
            yield props, getattr(obj, "longitude", None), getattr(obj, "latitude", None)

    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            actor=user,
            object_type=spec.model._meta.label_lower,
            object_repr=f"导出{spec.label_plural}（{fmt}）",
            after={"filters": dict(params.items())},
        )
    return stream_export(fmt, spec.slug, headers, rows(), features=features() if spec.located else None)
