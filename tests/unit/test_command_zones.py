"""Threat zones (DOMAIN §9) against hand arithmetic: thresholds, extents, half-widths, nesting, rotation.

The reference release: chlorine, Q = 1000 g/s, u = 5 m/s, H = 0, class D rural, from 122.03°E 41.25°N.
Chlorine AEGL-2 2 ppm → 2 · 70.90 / 24.45 = 5.79959 mg/m³ = 5.79959 × 10⁻³ g/m³.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Polygon

from yingji.command import toxicity, zones
from yingji.command.toxicity import NoThresholds, UnknownChemical, find_chemical, thresholds
from yingji.command.zones import Release, check_release, threat_zones
from yingji.core.geo import to_metric_geometry

LON, LAT = 122.03, 41.25
M_PER_DEG_LAT = 111_050.0  # near 41°N, to ±0.2 %
CHLORINE = find_chemical("chlorine")
LEVELS = thresholds(CHLORINE)


def release(**change: float | str) -> Release:
    base: dict[str, float | str] = {"q_g_s": 1000.0, "u_m_s": 5.0, "wind_from_deg": 0.0, "stability": "D",
                                    "lon": LON, "lat": LAT, "terrain": "rural", "h_m": 0.0}
    return Release(**{**base, **change})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def north_wind() -> zones.ZoneSet:
    return threat_zones(release(), LEVELS)


def by_zone(zone_set: zones.ZoneSet) -> dict[str, zones.Zone]:
    return {z.threshold.zone: z for z in zone_set.zones}


# --- the table ----------------------------------------------------------------------------------------
def test_chlorine_levels_in_ppm_and_mg_m3() -> None:
    # mg/m³ = ppm · 70.90 / 24.45: 20 → 57.9959, 2 → 5.79959, 0.5 → 1.44990
    assert [(t.zone, t.level, t.ppm) for t in LEVELS] == [("red", "AEGL-3", 20.0), ("orange", "AEGL-2", 2.0),
                                                         ("yellow", "AEGL-1", 0.5)]
    assert [t.mg_m3 for t in LEVELS] == pytest.approx([57.9959, 5.79959, 1.44990], rel=1e-5)
    assert all("AEGL" in t.source and "(verify)" in t.source for t in LEVELS)


@pytest.mark.parametrize(("ref", "aegl"), [
    ("7782-50-5", (0.5, 2.0, 20.0)),
    ("液氯", (0.5, 2.0, 20.0)),
    ("Ammonia", (30.0, 160.0, 1100.0)),
    ("硫化氢", (0.51, 27.0, 50.0)),
    ("71-43-2", (52.0, 800.0, 4000.0)),
    ("hydrogen fluoride", (1.0, 24.0, 44.0)),
    ("ＣＨＬＯＲＩＮＥ", (0.5, 2.0, 20.0)),  # full-width, any case (the catalogue's normalisation)
])
def test_aegl_table_is_domain_section_9(ref: str, aegl: tuple[float, float, float]) -> None:
    assert find_chemical(ref).aegl_60min_ppm == aegl


def test_names_reach_the_table_through_the_hazmat_catalogue() -> None:
    # 天然气 and 液氢 are only catalogue aliases: the entry's first CAS number leads here.
    assert find_chemical("天然气").cas == "74-82-8"
    assert find_chemical("液氢").cas == "1333-74-0"
    with pytest.raises(NoThresholds, match="AEGL、ERPG 或 PAC"):
        find_chemical("电石")  # in the catalogue, no level of concern tabulated anywhere
    with pytest.raises(UnknownChemical, match="未知化学品"):
        find_chemical("氯化钠水溶液")
    with pytest.raises(UnknownChemical, match="硝酸铵"):
        find_chemical("硝酸铵")  # ambiguous in the catalogue: the catalogue's message is passed on
    with pytest.raises(UnknownChemical):
        find_chemical("  ")


def test_flammable_levels_from_the_lel() -> None:
    # Methane LEL 5.0 % = 50 000 ppm: 60 % → 30 000 ppm = 30 000 · 16.04 / 24.45 = 19 680.98 mg/m³; 10 % → 5 000.
    red, yellow = thresholds(find_chemical("methane"), "flammable")
    assert (red.zone, red.level, red.ppm, yellow.zone, yellow.ppm) == ("red", "60% LEL", 30_000.0, "yellow", 5_000.0)
    assert red.mg_m3 == pytest.approx(19_680.98, rel=1e-6)
    with pytest.raises(NoThresholds, match="flammable"):
        thresholds(find_chemical("hydrogen"), "toxic")  # no AEGL, ERPG or PAC: the message points to flammable
    with pytest.raises(NoThresholds, match="爆炸下限"):
        thresholds(CHLORINE, "flammable")
    with pytest.raises(ValueError, match="危害类型"):
        thresholds(CHLORINE, "explosive")


# --- extents and widths -------------------------------------------------------------------------------
def test_zones_nest_red_inside_orange_inside_yellow(north_wind: zones.ZoneSet) -> None:
    z = by_zone(north_wind)
    ends = [z[name].extent.end_m for name in ("red", "orange", "yellow")]  # type: ignore[union-attr]
    assert ends[0] < ends[1] < ends[2]
    for inner, outer in (("red", "orange"), ("orange", "yellow")):
        inner_poly, outer_poly = z[inner].metric, z[outer].metric
        assert inner_poly is not None and outer_poly is not None
        assert outer_poly.buffer(0.5).contains(inner_poly)
        assert inner_poly.area < outer_poly.area


def test_x_max_is_where_the_centreline_meets_the_threshold(north_wind: zones.ZoneSet) -> None:
    for zone in north_wind.zones:
        assert zone.extent is not None and not zone.extent.clipped and zone.extent.start_m == 0.0
        c = float(zones.centreline_concentration(north_wind.release, zone.extent.end_m))
        assert c == pytest.approx(zone.threshold.mg_m3 / 1000.0, rel=0.01)
    # Orange by hand at x = 2317.2 m: σy = 0.08·2317.2·(1.23172)^-½ = 185.376/1.109829 = 167.03 m;
    # σz = 0.06·2317.2·(1 + 3.4758)^-½ = 139.032/2.115611 = 65.718 m;
    # C = Q/(π u σy σz) = 1000/(π·5·167.03·65.718) = 1000/172 432 = 5.7995 × 10⁻³ g/m³ = AEGL-2.
    assert by_zone(north_wind)["orange"].extent.end_m == pytest.approx(2317.2, abs=0.5)  # type: ignore[union-attr]
    assert [round(f["properties"]["max_distance_m"]) for f in north_wind.feature_collection()["features"]] == [
        6072, 2317, 565]


def test_half_width_matches_the_formula(north_wind: zones.ZoneSet) -> None:
    # At x = 1000 m: σy = 76.277 m, σz = 37.947 m, C(1000,0,0) = 1000/(π·5·76.277·37.947) = 0.021994 g/m³;
    # C/T = 0.021994/0.0057996 = 3.79235; ln = 1.33298; y = 76.277·sqrt(2·1.33298) = 76.277·1.63278 = 124.54 m.
    t = LEVELS[1].mg_m3 / 1000.0
    assert float(zones.half_width(north_wind.release, t, 1000.0)) == pytest.approx(124.54, abs=0.01)
    # The drawn polygon has that width at 1000 m downwind (to 0.5 %: its sides are chords between samples).
    orange = by_zone(north_wind)["orange"].geometry
    assert orange is not None
    inside = [north_wind.to_lonlat(1000.0, side * 124.54 * 0.995) for side in (1, -1)]
    outside = [north_wind.to_lonlat(1000.0, side * 124.54 * 1.005) for side in (1, -1)]
    assert [zone for zone, _ in north_wind.locate(inside)] == ["orange", "orange"]
    assert [zone for zone, _ in north_wind.locate(outside)] == ["yellow", "yellow"]


# --- on the map ---------------------------------------------------------------------------------------
def test_wind_from_the_north_puts_the_zones_south(north_wind: zones.ZoneSet) -> None:
    for zone in north_wind.zones:
        assert zone.geometry is not None
        lons, lats = np.asarray(zone.geometry.exterior.coords).T
        assert lats.max() <= LAT + 1e-9
        # Symmetric about the source's meridian (the grid's 0.64° convergence from true north is allowed for).
        assert (lons.min() + lons.max()) / 2 == pytest.approx(LON, abs=2e-6)  # ≈ 0.2 m
        # The far tip lies x_max due south: 6072 m / 111 050 m per degree ≈ 0.0547°.
        assert zone.extent is not None
        assert LAT - lats.min() == pytest.approx(zone.extent.end_m / M_PER_DEG_LAT, rel=0.003)


def test_wind_from_the_east_puts_the_zones_west() -> None:
    east_wind = threat_zones(release(wind_from_deg=90.0), LEVELS)
    yellow = by_zone(east_wind)["yellow"]
    assert yellow.geometry is not None and yellow.extent is not None
    lons, lats = np.asarray(yellow.geometry.exterior.coords).T
    assert lons.max() <= LON + 1e-9
    # A straight line heading due west drifts off the parallel towards the equator by d²·tan φ/2R ≈ 2.5 m
    # at 6 km, so the symmetry holds to about a metre here, not to decimetres as north–south.
    assert (lats.min() + lats.max()) / 2 == pytest.approx(LAT, abs=2e-5)
    metres_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(LAT))
    assert (LON - lons.min()) * metres_per_deg_lon == pytest.approx(yellow.extent.end_m, rel=0.005)
    # 360° is the north wind again; a south-west wind (225°) carries the zone north-east.
    assert threat_zones(release(wind_from_deg=360.0), LEVELS).zones[2].geometry.equals_exact(  # type: ignore[union-attr]
        threat_zones(release(), LEVELS).zones[2].geometry, 1e-9)
    sw = by_zone(threat_zones(release(wind_from_deg=225.0), LEVELS))["yellow"].geometry
    assert sw is not None and sw.centroid.x > LON and sw.centroid.y > LAT


def test_geojson_polygons_are_valid_and_counter_clockwise(north_wind: zones.ZoneSet) -> None:
    collection = north_wind.feature_collection()
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["zone"] for f in collection["features"]] == ["yellow", "orange", "red"]  # red on top
    for feature in collection["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        polygon = Polygon(ring)
        assert polygon.is_valid and polygon.exterior.is_ccw
        assert set(feature["properties"]) >= {"zone", "threshold_ppm", "threshold_mg_m3", "max_distance_m"}
        # The area is what the metric outline says: the outline survives the trip to WGS84 and back.
        assert to_metric_geometry(polygon).area == pytest.approx(
            by_zone(north_wind)[feature["properties"]["zone"]].metric.area, rel=1e-4)  # type: ignore[union-attr]


def test_locate_puts_each_point_in_its_most_severe_zone(north_wind: zones.ZoneSet) -> None:
    points = [north_wind.to_lonlat(x) for x in (300.0, 1500.0, 5000.0, 7000.0, -200.0)]
    assert [zone for zone, _ in north_wind.locate(points)] == ["red", "orange", "yellow", None, None]
    assert [round(d) for _, d in north_wind.locate(points)] == [300, 1500, 5000, 7000, -200]
    assert north_wind.locate([]) == []


# --- elevated sources, clipping, limits ----------------------------------------------------------------
def test_elevated_release_starts_downwind_and_may_not_reach_a_level() -> None:
    # F rural, H = 20 m: the plume touches down hundreds of metres out; AEGL-3 is never reached on the ground.
    zone_set = threat_zones(release(stability="F", h_m=20.0), LEVELS)
    z = by_zone(zone_set)
    assert z["red"].extent is None and z["red"].geometry is None
    red = next(f for f in zone_set.feature_collection()["features"] if f["properties"]["zone"] == "red")
    assert red["geometry"] is None and "未达到" in red["properties"]["note"]
    orange = z["orange"].extent
    assert orange is not None and orange.start_m > 100
    # At the start the ground centreline equals the threshold too.
    assert float(zones.centreline_concentration(zone_set.release, orange.start_m)) == pytest.approx(
        LEVELS[1].mg_m3 / 1000, rel=0.01)
    assert z["orange"].geometry is not None and z["orange"].geometry.is_valid


def test_zone_longer_than_10_km_is_clipped_and_says_so() -> None:
    zone_set = threat_zones(release(stability="F"), LEVELS)
    yellow = by_zone(zone_set)["yellow"]
    assert yellow.extent is not None and yellow.extent.clipped and yellow.extent.end_m == 10_000.0
    feature = next(f for f in zone_set.feature_collection()["features"] if f["properties"]["zone"] == "yellow")
    assert feature["properties"]["clipped_at_10km"] is True and feature["properties"]["max_distance_m"] == 10_000
    assert any("黄区（AEGL-1）" in m and "截断于 10 km" in m for m in zone_set.limits)
    assert yellow.geometry is not None and yellow.geometry.is_valid


def test_zone_shorter_than_100_m_and_light_wind_are_stated() -> None:
    zone_set = threat_zones(release(q_g_s=5.0, u_m_s=0.8), LEVELS)
    red = by_zone(zone_set)["red"].extent
    assert red is not None and red.end_m < 100
    assert any(m.startswith("红区（AEGL-3）") and "小于 100 m" in m for m in zone_set.limits)
    assert sum("低于 1 m/s" in m for m in zone_set.limits) == 1  # once, not once per zone
    assert any("高斯烟羽筛查估算" in m for m in zone_set.limits)
    assert not any("小于 100 m" in m for m in threat_zones(release(), LEVELS).limits)


def test_chemical_limits() -> None:
    assert any("重气" in m for m in zones.chemical_limits(CHLORINE, "toxic"))  # 70.90 > 28.96
    methane = zones.chemical_limits(find_chemical("methane"), "flammable")
    assert any("上浮" in m for m in methane) and any("60 % / 10 %" in m for m in methane)


# --- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("change", "field"), [
    ({"q_g_s": -1.0}, "q_g_s"),
    ({"q_g_s": 0.0}, "q_g_s"),
    ({"u_m_s": -2.0}, "u_m_s"),
    ({"u_m_s": 0.0}, "u_m_s"),
    ({"stability": "G"}, "stability"),
    ({"stability": "A-B"}, "stability"),
    ({"terrain": "forest"}, "terrain"),
    ({"h_m": -5.0}, "h_m"),
    ({"wind_from_deg": 360.5}, "wind_from_deg"),
    ({"wind_from_deg": -1.0}, "wind_from_deg"),
    ({"wind_from_deg": math.nan}, "wind_from_deg"),
    ({"lon": 2.35, "lat": 48.85}, "source"),  # Paris
    ({"lon": 41.25, "lat": 122.03}, "source"),  # swapped
])
def test_bad_releases_are_named_by_field(change: dict[str, float | str], field: str) -> None:
    problems = check_release(release(**change))
    assert field in problems, problems
    with pytest.raises(ValueError):
        threat_zones(release(**change), LEVELS)


def test_a_good_release_has_no_problems() -> None:
    assert check_release(release()) == {}
    assert check_release(release(wind_from_deg=360.0, stability="A", terrain="urban", h_m=10.0)) == {}


def test_the_table_is_keyed_consistently() -> None:
    assert len({c.cas for c in toxicity.CHEMICALS}) == len(toxicity.CHEMICALS)
    for chemical in toxicity.CHEMICALS:
        assert (chemical.aegl_60min_ppm is not None) or (chemical.lel_percent is not None)
        if chemical.aegl_60min_ppm is not None:
            assert list(chemical.aegl_60min_ppm) == sorted(chemical.aegl_60min_ppm)
        assert find_chemical(chemical.cas) is chemical and find_chemical(chemical.name_en) is chemical


def test_catalogue_chemicals_fall_back_to_erpg_tier_by_tier() -> None:
    # Phosgene: AEGL-3 0.75, AEGL-2 0.30, no AEGL-1 and no ERPG-1 → two zones, no yellow.
    levels = thresholds(find_chemical("光气"))
    assert [(t.zone, t.level, t.ppm) for t in levels] == [("red", "AEGL-3", 0.75), ("orange", "AEGL-2", 0.30)]
    # Toluene has no AEGLs in the table: ERPG-3/2/1 = 1000/300/50 ppm, each saying where it came from.
    toluene = thresholds(find_chemical("甲苯"))
    assert [(t.zone, t.level, t.ppm) for t in toluene] == [("red", "ERPG-3", 1000), ("orange", "ERPG-2", 300),
                                                          ("yellow", "ERPG-1", 50)]
    assert all("ERPG" in t.source for t in toluene)
    assert toluene[1].mg_m3 == pytest.approx(300 * 92.14 / 24.45, rel=1e-9)


def test_puff_footprint_is_the_passing_peak() -> None:
    # 500 kg of chlorine, D, 3 m/s, ground level. Peak at x: C = 2M / ((2π)^1.5 σy² σz), σy = 0.06 x^0.92,
    # σz = 0.15 x^0.70 (CCPS). AEGL-3 = 20 ppm = 0.057996 g/m³ →
    # x^2.54 = 2·5e5 / ((2π)^1.5 · 0.0036 · 0.15 · 0.057996) → x = 4 614.8 m.
    release = Release(q_g_s=0, u_m_s=3, wind_from_deg=0, stability="D", lon=122.03, lat=41.2, mass_g=500_000)
    zone_set = threat_zones(release, thresholds(CHLORINE))
    red = zone_set.zones[0]
    assert red.extent is not None and red.extent.end_m == pytest.approx(4614.8, abs=0.5)
    expected = (2 * 5e5 / ((2 * math.pi) ** 1.5 * 0.0036 * 0.15 * (20 * 70.90 / 24.45 / 1000))) ** (1 / 2.54)
    assert red.extent.end_m == pytest.approx(expected, rel=1e-6)
    assert any("高斯烟团" in m for m in zone_set.limits)
    # A puff of nothing, or a negative one, is refused by field.
    assert "mass_g" in check_release(Release(0, 3, 0, "D", 122.03, 41.2, mass_g=0))
    assert "mass_g" in check_release(Release(0, 3, 0, "D", 122.03, 41.2, mass_g=-5))
