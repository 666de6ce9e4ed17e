"""Routing over the county road network (mounted under /api/v1/command by command/api.py).

Fastest route, the nearest N resources by travel time and isochrones. Handlers validate and raise every
4xx (422 naming the field); `routing.py` does the graph work; resources are read through
`registry.queries.visible`, so each user ranks only the records their scope lets them see.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from shapely.geometry import mapping

from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import roads
from .nearest import rank_by_road
from .network import road_network
from .routing import RoadNetwork, RoutingError, Snap

router = Router(tags=["command-routing"])

# The registry kinds with a location that can be ranked by road.
ROUTABLE_KINDS = ("rescue-teams", "experts", "warehouses", "medical-facilities", "shelters", "vehicles", "equipment",
                  "enterprises", "schools")
# List parameters other than the kind's own filter fields that /nearest passes on to the shared filters.
_COMMON_FILTERS = ("q", "area")
MAX_NEAREST = 50


class PointIn(Schema):
    lon: float = Field(ge=-180, le=180, description="经度（WGS84）")
    lat: float = Field(ge=-90, le=90, description="纬度（WGS84）")


class SnapOut(Schema):
    field: str = Field(description="from | to：请求中的哪个点")
    lon: float
    lat: float
    snapped_lon: float = Field(description="接入路网的位置")
    snapped_lat: float
    distance_m: float = Field(description="到最近可通行道路的距离")
    access_s: float = Field(description="按接驳车速走完这段距离的时间")


class RouteIn(Schema):
    origin: PointIn = Field(alias="from")
    destination: PointIn = Field(alias="to")


class RouteOut(Schema):
    time_s: float = Field(description="总用时（含两端接驳）")
    length_m: float = Field(description="总里程（含两端接驳）")
    geometry: dict[str, Any] = Field(description="GeoJSON LineString（WGS84），起点 → 接入点 → 道路 → 终点")
    snapped: list[SnapOut]


class NearestIn(Schema):
    origin: PointIn = Field(alias="from")
    kind: str = Field(description="资源类别：" + " | ".join(ROUTABLE_KINDS))
    n: int = Field(10, ge=1, le=MAX_NEAREST, description="返回最近的 N 个（1–50）")
    filters: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="与列表相同的筛选条件，如 team_type、status、available、area、q")


class NearestItemOut(Schema):
    id: int
    name: str
    lon: float
    lat: float
    time_s: float = Field(description="道路行程用时（含两端接驳）")
    length_m: float = Field(description="道路行程里程（含两端接驳）")
    straight_m: float = Field(description="直线距离")


class NearestOut(Schema):
    kind: str
    snapped: SnapOut
    items: list[NearestItemOut] = Field(description="按道路用时由近到远")
    candidates: int = Field(description="可见且有坐标的记录数")
    unreachable: int = Field(description="不在路网覆盖范围内或与起点不连通的记录数")


class IsochronesIn(Schema):
    origin: PointIn = Field(alias="from")
    minutes: list[Annotated[float, Field(gt=0, le=180)]] = Field(
        default_factory=lambda: [10.0, 20.0, 30.0], min_length=1, max_length=6, description="等时圈分钟数")


def _snap(network: RoadNetwork, point: PointIn, field_name: str) -> Snap:
    try:
        return network.snap(point.lon, point.lat, field_name=field_name)
    except RoutingError as exc:
        raise ValidationError({exc.field: exc.message}) from exc


def _snap_out(snap: Snap, field_name: str) -> dict[str, Any]:
    return {"field": field_name, "lon": snap.lon, "lat": snap.lat, "snapped_lon": snap.snapped_lon,
            "snapped_lat": snap.snapped_lat, "distance_m": snap.distance_m, "access_s": snap.access_s}


@router.post("/routes", response=RouteOut, summary="最快路径（避开封闭路段）")
def fastest_route(request: HttpRequest, payload: RouteIn) -> dict[str, Any]:
    network = road_network()
    origin = _snap(network, payload.origin, "from")
    destination = _snap(network, payload.destination, "to")
    try:
        route = network.route(origin, destination)
    except RoutingError as exc:
        raise ValidationError({exc.field: exc.message}) from exc
    return {"time_s": route.time_s, "length_m": route.length_m,
            "geometry": {"type": "LineString", "coordinates": route.coordinates},
            "snapped": [_snap_out(origin, "from"), _snap_out(destination, "to")]}


def _list_params(kind: str, filters: dict[str, str | int | float | bool]) -> dict[str, str]:
    """The request's filters as list-page parameters; a name the kind does not filter on is refused."""
    spec = spec_for(kind)
    assert spec is not None  # checked by the caller
    allowed = set(spec.filter_fields) | set(_COMMON_FILTERS)
    unknown = sorted(set(filters) - allowed)
    if unknown:
        raise ValidationError({f"filters.{name}": f"不支持的筛选条件，可用：{'、'.join(sorted(allowed))}"
                               for name in unknown})
    return {name: (str(value).lower() if isinstance(value, bool) else str(value)) for name, value in filters.items()}


@router.post("/nearest", response=NearestOut, summary="按道路用时最近的 N 个资源")
def nearest_resources(request: HttpRequest, payload: NearestIn) -> dict[str, Any]:
    spec = spec_for(payload.kind) if payload.kind in ROUTABLE_KINDS else None
    if spec is None:
        raise ValidationError({"kind": f"未知的资源类别“{payload.kind}”，可用：{'、'.join(ROUTABLE_KINDS)}"})
    params = _list_params(payload.kind, payload.filters)
    network = road_network()
    origin = _snap(network, payload.origin, "from")
    name_field = spec.list_fields[0]
    rows = list(visible(spec, request.user, params).exclude(longitude=None).exclude(latitude=None)
                .values_list("id", name_field, "longitude", "latitude"))
    ranked, unreachable = rank_by_road(network, origin, rows, payload.n)
    items = [asdict(item) for item in ranked]
    return {"kind": payload.kind, "snapped": _snap_out(origin, "from"), "items": items, "candidates": len(rows),
            "unreachable": unreachable}


@router.post("/isochrones", response=dict[str, Any], summary="等时圈（10/20/30 分钟可达范围）")
def isochrones(request: HttpRequest, payload: IsochronesIn) -> dict[str, Any]:
    """A GeoJSON FeatureCollection, largest budget first so smaller areas draw on top."""
    network = road_network()
    origin = _snap(network, payload.origin, "from")
    features = [
        {"type": "Feature",
         "properties": {"minutes": iso.minutes, "area_km2": round(iso.area_km2, 3), "road_km": round(iso.road_km, 3)},
         "geometry": mapping(iso.polygon) if not iso.polygon.is_empty else None}
        for iso in reversed(network.isochrones(origin, payload.minutes))
    ]
    return {"type": "FeatureCollection", "features": features, "snapped": _snap_out(origin, "from")}


class RoadImportOut(Schema):
    source: str
    imported: int
    replaced: int
    closed: int
    oneway: int = Field(description="单行道路数（已按通行方向存储）")
    by_class: dict[str, int]
    skipped: dict[str, int] = Field(description="跳过的路段数，按原因")


@router.post("/roads/import", response=RoadImportOut, summary="导入路网（OSM .osm/.osm.pbf 或 GeoJSON，替换同一来源）")
def import_roads(request: HttpRequest, file: File[UploadedFile], source: Form[str],
                 crs: Form[str] = "wgs84") -> dict[str, Any]:
    """County administrators only. The whole file or nothing; roads of other sources are untouched."""
    return roads.replace_roads(roads.read_upload(file, crs=crs), source=source, actor=request.user)
