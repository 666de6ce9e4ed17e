"""Map API: layer list, one GeoJSON layer per resource kind, the offline basemap, and 'what is inside'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import orjson
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Router, Schema
from pydantic import Field, model_validator

from yingji.hazmat import queries as hazmat_queries
from yingji.registry import queries as registry_queries
from yingji.registry.resources import SPECS, ResourceSpec, spec_for
from yingji.worksafety import queries as worksafety_queries

from . import basemap, spatial

router = Router(tags=["map"])
MAP_SPECS = tuple(spec for spec in SPECS if spec.map_layer and spec.located)


@dataclass(frozen=True)
class LiveLayer:
    """A map layer that is not a registry list: its points, its detail page, and the event topic that redraws it."""

    label: str
    color: str
    rows: Callable[[Any], Any]  # user -> queryset of (id, name, lon, lat) value rows
    detail_url: str  # "{id}" is replaced by the point's id
    live_topic: str


LIVE_LAYERS: dict[str, LiveLayer] = {
    "special-work": LiveLayer(
        "正在进行的特殊作业", "#e8590c",
        lambda user: worksafety_queries.active_work(user).order_by("pk").values_list("id", "number", "longitude",
                                                                                    "latitude"),
        "/worksafety/permits/{id}/", "worksafety.permit"),
}


def _title_field(spec: ResourceSpec) -> str:
    return spec.list_fields[0]


def _map_spec(slug: str) -> ResourceSpec:
    spec = spec_for(slug)
    if spec is None or spec not in MAP_SPECS:
        raise Http404(f"没有名为 {slug} 的图层")
    return spec


class LayerOut(Schema):
    slug: str
    label: str
    color: str
    count: int
    detail_url: str | None = None  # a point's page, "{id}" replaced; none: /registry/{slug}/{id}/
    live_topic: str | None = None


# Major hazard installations (GB 18218-2018) from hazmat, beside the registry's resources: one layer, each point
# named with its enterprise, unit and grade, linking to the unit's page with the working.
HAZARD_LAYER = {"slug": "major-hazards", "label": "重大危险源", "color": "#c92a2a", "detail_url": "/hazmat/units/{id}/"}


def _hazard_rows(user: Any) -> list[tuple[int, str, float, float]]:
    rows = (hazmat_queries.major_hazards(user).filter(longitude__isnull=False)
            .values_list("id", "enterprise__name", "name", "grade", "longitude", "latitude"))
    grades = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
    return [(pk, f"{firm} · {unit}（{gettext(grades.get(grade or 0, ''))}）", float(lon or 0), float(lat or 0))
            for pk, firm, unit, grade, lon, lat in rows]


@router.get("/layers", response=list[LayerOut], summary="图层列表（每类资源一个图层）")
def list_layers(request: HttpRequest) -> list[dict[str, Any]]:
    hazards = hazmat_queries.major_hazards(request.user).filter(longitude__isnull=False).count()
    return [
        *({"slug": s.slug, "label": gettext(s.label_plural), "color": s.map_color,
           "count": registry_queries.visible(s, request.user).filter(longitude__isnull=False).count()}
          for s in MAP_SPECS),
        {**HAZARD_LAYER, "label": gettext(HAZARD_LAYER["label"]), "count": hazards},
        *({"slug": slug, "label": gettext(layer.label), "color": layer.color,
           "count": layer.rows(request.user).count(), "detail_url": layer.detail_url, "live_topic": layer.live_topic}
          for slug, layer in LIVE_LAYERS.items()),
    ]


@router.get(
    "/layers/{slug}",
    summary="一个图层的点位：GeoJSON（默认）或 ?format=compact 紧凑数组（可按列表相同的条件筛选）",
    description=(
        "默认返回 GeoJSON FeatureCollection（application/geo+json）：每个要素 id 为记录主键，"
        "properties.name 为名称，坐标为 WGS84 [经度, 纬度]，保留 6 位小数。\n\n"
        "`?format=compact` 返回一个 JSON 对象（application/json），供一张图加载数万个点："
        "`{\"layer\": slug, \"count\": n, \"ids\": [...], \"names\": [...], "
        "\"coords\": [lon0, lat0, lon1, lat1, ...]}`，第 i 个点为 ids[i]、names[i]、"
        "coords[2i]、coords[2i+1]，坐标保留 5 位小数（约 1 米），按 id 排序（除非给出 sort）。\n\n"
        "两种格式都接受列表页相同的筛选参数（q、area、各筛选字段），只含当前用户可见且有坐标的记录。"
    ),
)
def layer_geojson(request: HttpRequest, slug: str, format: Literal["geojson", "compact"] = "geojson") -> HttpResponse:
    """One layer's points, straight from value rows: the map loads tens of thousands of them."""
    if slug == HAZARD_LAYER["slug"]:
        hazards = _hazard_rows(request.user)
        if format == "compact":
            return HttpResponse(_compact_layer(slug, hazards), content_type="application/json")
        return HttpResponse(orjson.dumps({"type": "FeatureCollection", "layer": slug, "features": [
            {"type": "Feature", "id": pk, "properties": {"name": name},
             "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}
            for pk, name, lon, lat in hazards]}), content_type="application/geo+json")
    if slug in LIVE_LAYERS:
        return _live_layer(slug, request, format)
    spec = _map_spec(slug)
    rows = (
        registry_queries.visible(spec, request.user, request.GET)
        .filter(longitude__isnull=False)
        .values_list("id", _title_field(spec), "longitude", "latitude")
    )
    if format == "compact":
        if not request.GET.get("sort"):
            rows = rows.order_by("pk")  # not the model's name order: sorting 50 000 names cost more than the rest
        return HttpResponse(_compact_layer(spec.slug, list(rows)), content_type="application/json")
    features = [
        {"type": "Feature", "id": pk, "properties": {"name": name},
         "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}
        for pk, name, lon, lat in rows.iterator(chunk_size=5000)
    ]
    body = orjson.dumps({"type": "FeatureCollection", "layer": spec.slug, "features": features})
    return HttpResponse(body, content_type="application/geo+json")


def _live_layer(slug: str, request: HttpRequest, fmt: str) -> HttpResponse:
    rows = list(LIVE_LAYERS[slug].rows(request.user))
    if fmt == "compact":
        return HttpResponse(_compact_layer(slug, rows), content_type="application/json")
    features = [{"type": "Feature", "id": pk, "properties": {"name": name},
                 "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}
                for pk, name, lon, lat in rows]
    return HttpResponse(orjson.dumps({"type": "FeatureCollection", "layer": slug, "features": features}),
                        content_type="application/geo+json")


def _compact_layer(slug: str, rows: list[tuple[int, str, float, float]]) -> bytes:
    """Column arrays instead of one object per point: no per-row Python beyond the transpose."""
    if not rows:
        return orjson.dumps({"layer": slug, "count": 0, "ids": [], "names": [], "coords": []})
    ids, names, lons, lats = zip(*rows, strict=True)
    coords = np.empty(2 * len(rows), dtype=np.float64)
    coords[0::2] = lons
    coords[1::2] = lats
    return orjson.dumps(
        {"layer": slug, "count": len(rows), "ids": ids, "names": names, "coords": np.round(coords, 5)},
        option=orjson.OPT_SERIALIZE_NUMPY,
    )


@router.get("/basemap", summary="离线底图矢量图层（县界、乡镇、村、河流、海岸线、道路）")
def basemap_geojson(request: HttpRequest) -> HttpResponse:
    return HttpResponse(basemap.basemap_bytes(), content_type="application/geo+json")


class Circle(Schema):
    lon: float = Field(ge=73, le=136)
    lat: float = Field(ge=3, le=54)
    radius_m: float = Field(gt=0, le=200_000)


class WithinIn(Schema):
    """A drawn circle or polygon; which layers to search (all when empty)."""

    circle: Circle | None = None
    polygon: dict[str, Any] | None = None
    layers: list[str] = []

    @model_validator(mode="after")
    def one_shape(self) -> WithinIn:
        if (self.circle is None) == (self.polygon is None):
            raise ValueError("须且只能给出 circle 或 polygon 之一")
        return self


class WithinItem(Schema):
    id: int
    name: str
    lon: float
    lat: float
    distance_m: float | None


class WithinLayer(Schema):
    slug: str
    label: str
    items: list[WithinItem]


class WithinOut(Schema):
    shape: Literal["circle", "polygon"]
    area_km2: float
    layers: list[WithinLayer]


@router.post("/within", response=WithinOut, summary="框选：列出圆或多边形内的资源")
def within(request: HttpRequest, payload: WithinIn) -> dict[str, Any]:
    specs = [_map_spec(slug) for slug in payload.layers] if payload.layers else list(MAP_SPECS)
    polygon = None
    if payload.polygon is not None:
        try:
            polygon = spatial.polygon_from_geojson(payload.polygon)
        except ValueError as exc:
            raise ValidationError({"polygon": str(exc)}) from exc
    layers = []
    for spec in specs:
        rows = list(
            registry_queries.visible(spec, request.user)
            .filter(longitude__isnull=False)
            .values_list("id", _title_field(spec), "longitude", "latitude")
        )
        points = [(r[2], r[3]) for r in rows]
        if payload.circle is not None:
            c = payload.circle
            mask = spatial.inside_circle(c.lon, c.lat, c.radius_m, points)
            coords = np.asarray(points, dtype=float).reshape(-1, 2)
            dists: list[float | None] = list(spatial.distances_m(c.lon, c.lat, coords[:, 0], coords[:, 1]))
        else:
            mask = spatial.inside_polygon(polygon, points)
            dists = [None] * len(points)
        items = [
            {"id": r[0], "name": r[1], "lon": r[2], "lat": r[3],
             "distance_m": None if d is None else round(float(d), 1)}
            for r, inside, d in zip(rows, mask, dists, strict=True) if inside
        ]
        items.sort(key=lambda i: i["distance_m"] or 0)
        layers.append({"slug": spec.slug, "label": gettext(spec.label_plural), "items": items})
    if payload.circle is not None:
        area = 3.141592653589793 * (payload.circle.radius_m / 1000) ** 2
    else:
        area = spatial.area_km2(polygon)
    return {"shape": "circle" if payload.circle else "polygon", "area_km2": round(area, 3), "layers": layers}
