"""Threat-zone endpoint: a chemical, a release (continuous plume or instantaneous puff) and the weather → red /
orange / yellow polygons, the level of concern each zone uses (AEGL → ERPG → PAC) with its source, a puff's
footprint at given times after release, and what lies inside each zone (mounted on command.api's router, under
/api/v1/command).

Stateless: it writes nothing. What lies inside is read through the reader's scope — registry records via
registry.queries.visible, so an enterprise officer sees only their own enterprise among those inside.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema

from yingji.core.models import AdminArea
from yingji.core.models.areas import AreaLevel
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import toxicity, zones
from .api import router

# Registry kinds listed in "inside", in the order the response gives them.
INSIDE_KINDS: tuple[str, ...] = ("schools", "medical-facilities", "shelters", "enterprises")
POPULATION_NOTE = ("人口为区内村（社区）常住人口之和（按村委会/居委会位置计，整村计入其所在的最严重区），"
                   "来源见各村；未登记人口的村不计入")
NO_POPULATION_NOTE = "区内村（社区）尚无人口数据：威胁区内人口暂无法统计，请按所列村（社区）核实"
SCOPE_NOTE = "所列学校、医疗机构、避难场所和企业仅限当前用户有权查看的记录"
# Points a little outside the zones' bounding box are still fetched, then tested against the polygons.
_BBOX_MARGIN_DEG = 0.001
# A puff footprint is drawn at most this long after release (the limits already flag beyond 60 min).
MAX_TIME_S = 6 * 3600.0
ENVELOPE_NOTE = ("瞬时泄漏：威胁区为烟团经过期间地面浓度曾达到各级阈值的最大范围（最大包络）；"
                 "指定释放后时间时，另给出该时刻烟团所在位置的地面范围")
STEADY_NOTE = "连续泄漏：威胁区为稳态烟羽地面浓度达到各级阈值的范围"


class SourceIn(Schema):
    lon: float = Field(description="经度（WGS84）")
    lat: float = Field(description="纬度（WGS84）")


class ZonesIn(Schema):
    chemical: str = Field(description="化学品中文名、英文名或 CAS 号（如 氯、chlorine、7782-50-5）")
    hazard: str = Field("toxic", description="toxic（AEGL 毒性区，无 AEGL 的级别用 ERPG）| flammable（爆炸下限可燃区）")
    model: str = Field("plume", description="plume（连续泄漏，给 q_g_s）| puff（瞬时泄漏，给 mass_g）")
    q_g_s: float | None = Field(None, description="连续泄漏速率 g/s（> 0）")
    mass_g: float | None = Field(None, description="瞬时泄漏量 g（> 0）")
    u_m_s: float = Field(description="释放高度处风速 m/s（> 0）")
    wind_from_deg: float = Field(description="风向：风的来向，正北为 0°，顺时针 0–360")
    stability: str = Field(description="Pasquill–Gifford 稳定度 A–F")
    terrain: str = Field("rural", description="rural | urban")
    h_m: float = Field(0.0, description="有效释放高度 m")
    source: SourceIn = Field(description="泄漏源位置")
    t_s: float | None = Field(None, description="瞬时泄漏：释放后时间 s，返回该时刻烟团的地面范围（at_times）")
    times_s: list[float] | None = Field(None, description="瞬时泄漏：多个释放后时间 s（至多 12 个）")


class ZonePropertiesOut(Schema):
    zone: str = Field(description="red | orange | yellow")
    label: str
    level: str = Field(description="AEGL-3 | AEGL-2 | AEGL-1 | ERPG-3 | ERPG-2 | ERPG-1 | 60% LEL | 10% LEL")
    threshold_ppm: float
    threshold_mg_m3: float
    max_distance_m: float = Field(description="下风最远距离 m（0：未达到）")
    min_distance_m: float = Field(description="地面浓度开始达到阈值的下风距离 m（高架源 > 0）")
    max_half_width_m: float
    clipped_at_10km: bool
    source: str = Field(description="阈值来源")
    footprint: str = Field(description="steady（连续泄漏稳态）| envelope（瞬时泄漏最大包络）")
    note: str | None = None


class ZoneFeatureOut(Schema):
    type: str = "Feature"
    geometry: dict[str, Any] | None = Field(description="GeoJSON Polygon（WGS84），未达到阈值时为 null")
    properties: ZonePropertiesOut


class SnapshotPropertiesOut(Schema):
    zone: str
    label: str
    level: str
    threshold_ppm: float
    threshold_mg_m3: float
    source: str
    footprint: str = Field(description="at_time（释放后该时刻）")
    t_s: float
    radius_m: float = Field(description="该时刻地面超过阈值的圆半径 m（0：未达到）")
    centre_downwind_m: float
    note: str | None = None


class SnapshotFeatureOut(Schema):
    type: str = "Feature"
    geometry: dict[str, Any] | None
    properties: SnapshotPropertiesOut


class LonLatOut(Schema):
    lon: float
    lat: float


class SnapshotOut(Schema):
    type: str = "FeatureCollection"
    t_s: float = Field(description="释放后时间 s")
    centre: LonLatOut = Field(description="烟团中心（下风 u·t 处）")
    centre_downwind_m: float
    sigma_y_m: float
    sigma_z_m: float
    features: list[SnapshotFeatureOut] = Field(description="由轻到重，该时刻地面浓度超过各级阈值的范围（圆）")
    limits: list[str] = Field(description="该时刻超出模型适用范围之处")


class CriterionOut(Schema):
    zone: str
    level: str = Field(description="所用阈值：AEGL-n、ERPG-n、PAC-n 或 LEL 比例")
    criterion: str = Field(description="AEGL | ERPG | PAC | LEL")
    threshold_ppm: float
    source: str


class InsideItemOut(Schema):
    id: int
    name: str
    code: str | None = None
    downwind_m: float = Field(description="沿下风方向距泄漏源的距离 m")
    population: int | None = Field(None, description="村（社区）常住人口（仅村）")


class ZoneInsideOut(Schema):
    villages: list[InsideItemOut]
    schools: list[InsideItemOut]
    medical_facilities: list[InsideItemOut] = Field(alias="medical-facilities")
    shelters: list[InsideItemOut]
    enterprises: list[InsideItemOut]
    population: int | None = Field(None, description="区内各村常住人口之和；区内无村有人口数据时为 null")


class ChemicalOut(Schema):
    name: str
    name_en: str
    cas: str
    molar_mass_g_mol: float
    hazard: str


class ZonesOut(Schema):
    type: str = "FeatureCollection"
    features: list[ZoneFeatureOut] = Field(description="由轻到重（黄、橙、红），按序绘制时红区在最上层")
    limits: list[str] = Field(description="模型适用范围与假定（中文）")
    inside: dict[str, ZoneInsideOut] = Field(description="各区内的对象；每个对象只列在它所在的最严重区内")
    population: int | None = Field(None, description="各区人口之和；无人口数据时为 null")
    population_note: str
    scope_note: str
    chemical: ChemicalOut
    criteria: list[CriterionOut] = Field(description="各区所用阈值及来源（毒性区按 AEGL → ERPG → PAC 的次序）")
    criteria_note: str
    footprint_note: str
    at_times: list[SnapshotOut] = Field(description="瞬时泄漏在指定时刻的地面范围（未指定时为空）")


def _times(payload: ZonesIn, model: str, problems: dict[str, str]) -> list[float]:
    """The times after release asked for (t_s and times_s, sorted, once each); problems by field."""
    asked = ([payload.t_s] if payload.t_s is not None else []) + list(payload.times_s or [])
    if not asked:
        return []
    field = "t_s" if payload.t_s is not None else "times_s"
    if model != "puff":
        problems[field] = "连续泄漏（plume）为稳态烟羽，不使用释放后时间；瞬时泄漏请用 model=puff"
        return []
    bad = [t for t in asked if not math.isfinite(t) or not 0 < t <= MAX_TIME_S]
    if bad:
        problems[field] = (f"释放后时间应大于 0 且不超过 {MAX_TIME_S / 3600:g} 小时（{MAX_TIME_S:g} s）"
                           f"（实际为 {bad[0]:g} s）")
        return []
    times = sorted(set(asked))
    if len(times) > zones.MAX_SNAPSHOTS:
        problems["times_s"] = f"一次至多 {zones.MAX_SNAPSHOTS} 个时刻（实际为 {len(times)} 个）"
        return []
    return times


def _criteria(levels: tuple[toxicity.Threshold, ...]) -> tuple[list[dict[str, Any]], str]:
    """Each zone's level of concern and source, and one Chinese sentence saying which were used."""
    rows = [{"zone": t.zone, "level": t.level, "criterion": t.level.split("-")[0] if "-" in t.level else "LEL",
             "threshold_ppm": t.ppm, "source": t.source} for t in levels]
    parts = "、".join(f"{zones.ZONE_LABELS.get(t.zone, t.zone)} {t.level}（{t.ppm:g} ppm）" for t in levels)
    sources = "；".join(dict.fromkeys(t.source for t in levels))
    return rows, f"阈值：{parts}。来源：{sources}"


def _problems(payload: ZonesIn) -> tuple[dict[str, str], zones.Release, tuple[toxicity.Threshold, ...], list[float]]:
    """Every problem with the request at once, by field; the release, levels and times when there are none."""
    problems: dict[str, str] = {}
    model = payload.model.strip().lower()
    if model not in ("plume", "puff"):
        problems["model"] = f"模型应为 plume（连续泄漏）或 puff（瞬时泄漏）（实际为“{payload.model}”）"
    elif model == "plume" and payload.q_g_s is None:
        problems["q_g_s"] = "连续泄漏（plume）需要泄漏速率 q_g_s（g/s）"
    elif model == "puff" and payload.mass_g is None:
        problems["mass_g"] = "瞬时泄漏（puff）需要泄漏量 mass_g（g）"
    elif model == "plume" and payload.mass_g is not None:
        problems["mass_g"] = "连续泄漏（plume）模型不使用 mass_g"
    elif model == "puff" and payload.q_g_s is not None:
        problems["q_g_s"] = "瞬时泄漏（puff）模型不使用 q_g_s"
    release = zones.Release(q_g_s=payload.q_g_s or 0.0, u_m_s=payload.u_m_s, wind_from_deg=payload.wind_from_deg,
                            stability=payload.stability.strip().upper(), terrain=payload.terrain.strip().lower(),
                            h_m=payload.h_m, lon=payload.source.lon, lat=payload.source.lat,
                            mass_g=payload.mass_g if model == "puff" else None)
    if not problems:
        problems.update(zones.check_release(release))
    times = _times(payload, model, problems)
    levels: tuple[toxicity.Threshold, ...] = ()
    hazard = payload.hazard.strip().lower()
    if hazard not in toxicity.HAZARDS:
        problems["hazard"] = f"危害类型应为 toxic（毒性）或 flammable（可燃）（实际为“{payload.hazard}”）"
    try:
        chemical = toxicity.find_chemical(payload.chemical)
        if hazard in toxicity.HAZARDS:
            levels = toxicity.thresholds(chemical, hazard)
    except LookupError as exc:  # UnknownChemical, NoThresholds
        problems["chemical"] = str(exc)
    return problems, release, levels, times


def _inside(request: HttpRequest, zone_set: zones.ZoneSet) -> dict[str, dict[str, Any]]:
    """Villages and registry records in each zone, each under the most severe zone it lies in."""
    inside: dict[str, dict[str, Any]] = {
        z.threshold.zone: {"villages": [], **{kind: [] for kind in INSIDE_KINDS}, "population": None}
        for z in zone_set.zones
    }
    bounds = zone_set.bounds()
    if bounds is None:
        return inside
    min_lon, min_lat, max_lon, max_lat = bounds
    near = {"longitude__gte": min_lon - _BBOX_MARGIN_DEG, "longitude__lte": max_lon + _BBOX_MARGIN_DEG,
            "latitude__gte": min_lat - _BBOX_MARGIN_DEG, "latitude__lte": max_lat + _BBOX_MARGIN_DEG}
    villages = AdminArea.objects.filter(level=AreaLevel.VILLAGE, **near)
    # Longitude and latitude are never null here: the bounding-box filter excludes unplaced records.
    populations = dict(villages.values_list("pk", "population"))
    sources: list[tuple[str, list[tuple[int, str, str | None, Any, Any]]]] = [
        ("villages", [(pk, name, code, lon, lat) for pk, name, code, lon, lat
                      in villages.values_list("pk", "name", "code", "longitude", "latitude")]),
    ]
    for kind in INSIDE_KINDS:
        spec = spec_for(kind)
        assert spec is not None, kind
        records = visible(spec, request.user).filter(**near)
        sources.append((kind, [(pk, name, None, lon, lat) for pk, name, lon, lat
                               in records.values_list("pk", "name", "longitude", "latitude")]))
    for kind, rows in sources:
        located = zone_set.locate([(lon, lat) for *_, lon, lat in rows])
        for (pk, name, code, _, _), (zone, downwind) in zip(rows, located, strict=True):
            if zone is not None:
                item = {"id": pk, "name": name, "downwind_m": round(downwind, 1)}
                if code is not None:
                    item["code"] = code
                    item["population"] = populations.get(pk)
                inside[zone][kind].append(item)
    for by_kind in inside.values():
        for items in by_kind.values():
            if isinstance(items, list):
                items.sort(key=lambda item: item["downwind_m"])
        known = [v["population"] for v in by_kind["villages"] if v.get("population") is not None]
        by_kind["population"] = sum(known) if known else None
    return inside


@router.post("/dispersion/zones", response=ZonesOut, by_alias=True,
             summary="危险化学品泄漏威胁区（红/橙/黄；连续泄漏或瞬时烟团）")
def dispersion_zones(request: HttpRequest, payload: ZonesIn) -> dict[str, Any]:
    """Red / orange / yellow ground footprints at AEGL-3/2/1 (ERPG, then PAC, per tier without one; or 60 % / 10 %
    LEL) of a continuous release or an instantaneous puff (its envelope, and its footprint at the times asked),
    what lies inside each, and the model's limits; population sums the villages' residents where known."""
    problems, release, levels, times = _problems(payload)
    if problems:
        raise ValidationError(problems)
    chemical = toxicity.find_chemical(payload.chemical)
    hazard = payload.hazard.strip().lower()
    zone_set = zones.threat_zones(release, levels, times_s=times)
    inside = _inside(request, zone_set)
    counted = [z["population"] for z in inside.values() if z["population"] is not None]
    criteria, criteria_note = _criteria(levels)
    return {
        **zone_set.feature_collection(),
        "limits": [*zone_set.limits, *zones.chemical_limits(chemical, hazard, levels)],
        "inside": inside,
        "population": sum(counted) if counted else None,
        "population_note": POPULATION_NOTE if counted else NO_POPULATION_NOTE,
        "scope_note": SCOPE_NOTE,
        "chemical": {"name": chemical.name, "name_en": chemical.name_en, "cas": chemical.cas,
                     "molar_mass_g_mol": chemical.molar_mass_g_mol, "hazard": hazard},
        "criteria": criteria,
        "criteria_note": criteria_note,
        "footprint_note": ENVELOPE_NOTE if release.is_puff else STEADY_NOTE,
        "at_times": [_snapshot(s) for s in zone_set.snapshots],
    }


def _snapshot(snapshot: zones.PuffSnapshot) -> dict[str, Any]:
    lon, lat = snapshot.centre_lonlat
    return {**snapshot.feature_collection(), "t_s": snapshot.t_s,
            "centre": {"lon": round(lon, 7), "lat": round(lat, 7)},
            "centre_downwind_m": round(snapshot.centre_m, 1), "sigma_y_m": round(snapshot.sigma_y_m, 2),
            "sigma_z_m": round(snapshot.sigma_z_m, 2), "limits": list(snapshot.limits)}
