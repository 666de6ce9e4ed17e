"""Road network imports: replace every road of one source with a file's roads, in one transaction.

Only county administrators change the network everyone routes over. Roads of other sources (the demo
network, an earlier import under another name) are left alone; the routing graph notices the change by its
version fingerprint on the next request.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yingji.core import audit
from yingji.core.models import AuditAction, Road
from yingji.core.roles import Role

from .road_sources import RoadSourceError, SourceReport, read_geojson, read_osm

OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz")


def _may_import(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.COUNTY_ADMIN)


def read_file(path: str | Path, *, name: str | None = None, crs: str = "wgs84") -> SourceReport:
    """The roads of an OSM (.osm, .osm.pbf …) or GeoJSON file, by its name; ValidationError on ``file``."""
    label = (name or str(path)).lower()
    try:
        if label.endswith(OSM_SUFFIXES):
            if crs != "wgs84":
                raise RoadSourceError("crs", "OpenStreetMap 数据总是 WGS84，不能指定其他坐标系")
            return read_osm(path)
        if label.endswith((".geojson", ".json")):
            return read_geojson(Path(path).read_bytes(), crs=crs)
    except RoadSourceError as exc:
        raise ValidationError({"file": exc.args[0]}) from exc
    raise ValidationError({"file": "文件类型应为 .osm、.osm.pbf 或 .geojson"})


def read_upload(upload: Any, *, crs: str = "wgs84") -> SourceReport:
    """An uploaded file, spooled to disk because libosmium reads files, not streams."""
    suffix = "".join(Path(upload.name or "").suffixes[-2:])
    with tempfile.NamedTemporaryFile(suffix=suffix) as spool:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.flush()
        return read_file(spool.name, name=upload.name, crs=crs)


@transaction.atomic
def replace_roads(report: SourceReport, *, source: str, actor: Any) -> dict[str, Any]:
    """Delete the roads of ``source`` and insert the report's; all or nothing, audited as one import.

    ``actor`` None is the console operator (`yingji import_roads`), who runs the server itself.
    """
    if actor is not None and not _may_import(actor):
        raise PermissionDenied("只有县级管理员可以导入路网")
    source = source.strip()
    if not source:
        raise ValidationError({"source": "须填写数据来源名称（如 OpenStreetMap 2026-11）"})
    if not report.records:
        raise ValidationError({"file": "文件中没有可用的机动车道路"})
    replaced, _ = Road.objects.filter(source=source).delete()
    Road.objects.bulk_create([
        Road(name=r.name, road_class=r.road_class, speed_kmh=round(r.speed_kmh, 1), closed=r.closed, oneway=r.oneway,
             source=source,
             geometry={"type": "LineString", "coordinates": [[round(x, 7), round(y, 7)] for x, y in r.coordinates]})
        for r in report.records], batch_size=1000)
    summary = {"source": source, "imported": len(report.records), "replaced": replaced,
               "closed": sum(r.closed for r in report.records), "oneway": sum(r.oneway for r in report.records),
               "by_class": report.by_class(),
               "skipped": dict(report.skipped)}
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.road", object_repr=f"路网导入：{source}",
                 after=summary)
    return summary
