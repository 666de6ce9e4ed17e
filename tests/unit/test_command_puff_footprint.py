"""A puff's ground footprint t seconds after release, against the closed form of DOMAIN §9.

At z = 0 the puff is C(x, y, 0; t) = 2M / ((2π)^1.5 σy² σz) · exp(−H²/2σz²) · exp(−((x − ut)² + y²) / 2σy²)
(σx = σy, CCPS sigmas at travel u·t), so C ≥ T is a circle about (u·t, 0) of radius σy · sqrt(2 ln(C_peak/T)).

Worked case: 500 kg of chlorine, 3 m/s, class D, ground level, t = 600 s → centre 1800 m downwind,
σy = 0.06 · 1800^0.92 = 59.29 m, σz = 0.15 · 1800^0.70 = 28.50 m,
C_peak = 2 · 500 000 / ((2π)^1.5 · 59.29² · 28.50) = 0.6338 g/m³; AEGL-2 = 2 · 70.90 / 24.45 = 5.7996 mg/m³;
r = 59.29 · sqrt(2 · ln(0.6338 / 0.0057996)) = 181.7 m, area π r² = 103 686 m².
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from yingji.command import zones
from yingji.command.toxicity import find_chemical, thresholds
from yingji.core.geo import to_metric

LON, LAT = 122.03, 41.25
CHLORINE = thresholds(find_chemical("chlorine"))


def puff(**change: float | str) -> zones.Release:
    base: dict[str, float | str] = {"q_g_s": 0.0, "u_m_s": 3.0, "wind_from_deg": 0.0, "stability": "D",
                                    "lon": LON, "lat": LAT, "terrain": "rural", "h_m": 0.0, "mass_g": 500_000.0}
    return zones.Release(**{**base, **change})  # type: ignore[arg-type]


def closed_form(release: zones.Release, t_s: float, threshold_mg_m3: float) -> tuple[float, float]:
    """(centre downwind m, radius m) of C ≥ T at time t, from the formula in the module docstring."""
    assert release.mass_g is not None
    a_y, p_y, a_z, p_z = {"B": (0.14, 0.92, 0.53, 0.73), "D": (0.06, 0.92, 0.15, 0.70),
                          "F": (0.02, 0.89, 0.05, 0.61)}[release.stability]
    x = release.u_m_s * t_s
    sigma_y, sigma_z = a_y * x**p_y, a_z * x**p_z
    peak = 2 * release.mass_g / ((2 * math.pi) ** 1.5 * sigma_y**2 * sigma_z) * math.exp(-release.h_m**2
                                                                                           / (2 * sigma_z**2))
    ratio = peak / (threshold_mg_m3 / 1000)
    return x, (sigma_y * math.sqrt(2 * math.log(ratio)) if ratio >= 1 else 0.0)


def downwind_and_across(release: zones.Release, polygon: shapely.Polygon) -> tuple[float, float]:
    """The polygon's centroid in metres downwind of the source and to the left of the axis (north wind: south)."""
    e0, n0 = to_metric(release.lon, release.lat)
    c = polygon.centroid
    return n0 - c.y, c.x - e0  # wind from the north: downwind is grid south (convergence 0.64°, see below)


def test_worked_case_against_the_closed_form() -> None:
    snapshot = zones.puff_snapshot(puff(), CHLORINE, 600.0)
    assert snapshot.centre_m == 1800.0
    assert (snapshot.sigma_y_m, snapshot.sigma_z_m) == pytest.approx((59.29, 28.50), abs=0.01)
    orange = next(fp for fp in snapshot.footprints if fp.threshold.zone == "orange")
    assert orange.peak_g_m3 == pytest.approx(0.6338, rel=1e-4)
    assert orange.radius_m == pytest.approx(181.7, abs=0.05)
    assert orange.metric is not None
    assert orange.metric.area == pytest.approx(103_686, rel=0.01)  # the 96-gon is 99.93 % of the circle
    along, across = downwind_and_across(puff(), orange.metric)
    # Grid north is 0.64° off true north at Panshan, so the grid-south distance is u·t·cos(0.64°).
    assert math.hypot(along, across) == pytest.approx(1800.0, rel=0.005)
    assert along == pytest.approx(1800.0, rel=0.01)


@pytest.mark.parametrize("stability", ["B", "D", "F"])
@pytest.mark.parametrize("t_s", [300.0, 900.0, 1800.0])
@pytest.mark.parametrize("wind_from_deg", [0.0, 135.0, 270.0])
def test_area_and_centre_match_the_closed_form(stability: str, t_s: float, wind_from_deg: float) -> None:
    release = puff(stability=stability, wind_from_deg=wind_from_deg)
    snapshot = zones.puff_snapshot(release, CHLORINE, t_s)
    e0, n0 = to_metric(LON, LAT)
    for fp in snapshot.footprints:
        centre, radius = closed_form(release, t_s, fp.threshold.mg_m3)
        assert fp.radius_m == pytest.approx(radius, rel=1e-9, abs=1e-9)
        if radius == 0.0:
            assert fp.geometry is None
            continue
        assert fp.metric is not None and fp.metric.is_valid
        assert fp.metric.area == pytest.approx(math.pi * radius**2, rel=0.01)
        c = fp.metric.centroid
        assert math.hypot(c.x - e0, c.y - n0) == pytest.approx(centre, rel=0.01)
        # The centre lies downwind: bearing from the source = wind_from + 180° (grid, ±1° convergence).
        bearing = math.degrees(math.atan2(c.x - e0, c.y - n0)) % 360
        assert abs((bearing - (wind_from_deg + 180) % 360 + 180) % 360 - 180) < 1.0


def test_a_level_the_puff_no_longer_reaches_is_empty_and_says_so() -> None:
    # By 50 min (9 km, class D) the 100 kg puff's peak, 2.1 mg/m³, is below AEGL-3 and -2 but above AEGL-1.
    snapshot = zones.puff_snapshot(puff(mass_g=100_000.0), CHLORINE, 3000.0)
    by_zone = {fp.threshold.zone: fp for fp in snapshot.footprints}
    assert by_zone["red"].geometry is None and by_zone["red"].radius_m == 0.0
    assert by_zone["yellow"].geometry is not None
    features = {f["properties"]["zone"]: f for f in snapshot.feature_collection()["features"]}
    assert features["red"]["geometry"] is None and "此刻无红区" in features["red"]["properties"]["note"]
    assert features["yellow"]["properties"]["footprint"] == "at_time"
    assert features["yellow"]["properties"]["label"] == "黄区（AEGL-1）·释放后 50 分钟"


def test_snapshots_and_the_envelope_come_together_labelled() -> None:
    zone_set = zones.threat_zones(puff(), CHLORINE, times_s=[300.0, 600.0])
    assert [s.t_s for s in zone_set.snapshots] == [300.0, 600.0]
    assert all(z.footprint == "envelope" and z.label.endswith("·最大包络") for z in zone_set.zones)
    envelope = {z.threshold.zone: z.metric for z in zone_set.zones}
    for snapshot in zone_set.snapshots:
        for fp in snapshot.footprints:
            assert fp.metric is not None and envelope[fp.threshold.zone] is not None
            # The footprint at any time lies (to within its own outline's sampling) inside the envelope.
            assert envelope[fp.threshold.zone].buffer(2.0).contains(fp.metric)
    with pytest.raises(ValueError, match="稳态"):
        zones.threat_zones(puff(mass_g=None, q_g_s=1000.0), CHLORINE, times_s=[600.0])


def test_limits_are_stated_for_a_puff() -> None:
    zone_set = zones.threat_zones(puff(u_m_s=0.8, terrain="urban"), CHLORINE)
    text = "\n".join([*zone_set.limits, *zones.chemical_limits(find_chemical("chlorine"), "toxic", CHLORINE)])
    assert "低于 1 m/s" in text  # calm wind
    assert "100 m 以内（近场）" in text  # near field
    assert "地形" in text and "平坦开阔地面" in text  # terrain
    assert "重气" in text  # chlorine is a dense gas
    assert "不区分城市与农村" in text  # CCPS puff sigmas have no urban set
    late = zones.puff_snapshot(puff(), CHLORINE, 4000.0)
    assert any("超过 60 分钟" in m for m in late.limits)
    early = zones.puff_snapshot(puff(), CHLORINE, 20.0)  # 60 m travelled
    assert any("小于 100 m" in m for m in early.limits)


@pytest.mark.parametrize("t_s", [0.0, -5.0, math.inf, math.nan])
def test_bad_times_are_refused(t_s: float) -> None:
    with pytest.raises(ValueError, match="释放后时间"):
        zones.puff_snapshot(puff(), CHLORINE, t_s)


def test_an_elevated_puff_is_thinner_at_the_ground() -> None:
    ground = zones.puff_snapshot(puff(), CHLORINE, 600.0).footprints[1]
    high = zones.puff_snapshot(puff(h_m=40.0), CHLORINE, 600.0).footprints[1]
    centre, radius = closed_form(puff(h_m=40.0), 600.0, high.threshold.mg_m3)
    assert high.radius_m == pytest.approx(radius) and 0 < high.radius_m < ground.radius_m
    assert np.isclose(high.peak_g_m3, ground.peak_g_m3 * math.exp(-40.0**2 / (2 * 28.4959**2)), rtol=1e-4)
