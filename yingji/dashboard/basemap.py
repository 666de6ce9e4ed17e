"""The offline basemap: our own vector layers as one GeoJSON document, so the map needs no tile server."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import orjson
from django.db.models import Max

from yingji.core.models import AdminArea, AreaLevel, Road


def _data_file(name: str) -> dict[str, Any]:
    return json.loads(resources.files("yingji.core").joinpath("data", name).read_text(encoding="utf-8"))


def _hydro_features() -> list[dict[str, Any]]:
    features = []
    for name, layer in (("rivers_gshhg_wgs84.geojson", "river"), ("coastline_gshhg_wgs84.geojson", "coastline")):
        for feature in _data_file(name)["features"]:
            features.append({"type": "Feature", "properties": {"layer": layer}, "geometry": feature["geometry"]})
    return features


def _area_features() -> list[dict[str, Any]]:
    features = []
    layer_of = {AreaLevel.COUNTY: "county", AreaLevel.TOWNSHIP: "township", AreaLevel.VILLAGE: "village"}
    for area in AdminArea.objects.filter(level__gte=AreaLevel.COUNTY).order_by("level", "code"):
        layer = layer_of[AreaLevel(area.level)]
        if area.geometry:
            geometry = area.geometry
        elif area.longitude is not None:
            geometry = {"type": "Point", "coordinates": [area.longitude, area.latitude]}
        else:
            continue
        features.append({"type": "Feature", "properties": {"layer": layer, "code": area.code, "name": area.name},
                         "geometry": geometry})
        if layer == "township" and area.longitude is not None:
            features.append({"type": "Feature", "properties": {"layer": "township_seat", "code": area.code,
                                                               "name": area.name},
                             "geometry": {"type": "Point", "coordinates": [area.longitude, area.latitude]}})
    return features


def _road_features() -> list[dict[str, Any]]:
    return [
        {"type": "Feature", "properties": {"layer": "road", "name": name, "road_class": road_class, "closed": closed},
         "geometry": geometry}
        for name, road_class, closed, geometry in Road.objects.values_list("name", "road_class", "closed", "geometry")
    ]


@functools.lru_cache(maxsize=2)
def _build(version: tuple[Any, ...]) -> bytes:
    features = _area_features() + _hydro_features() + _road_features()
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def basemap_bytes() -> bytes:
    """The basemap, rebuilt only when areas or roads change (the version is two cheap aggregates)."""
    version = (
        AdminArea.objects.aggregate(n=Max("id"))["n"],
        AdminArea.objects.count(),
        Road.objects.aggregate(n=Max("id"))["n"],
        Road.objects.count(),
        Road.objects.filter(closed=True).count(),
    )
    return _build(version)
