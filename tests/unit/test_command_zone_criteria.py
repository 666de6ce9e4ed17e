"""Levels of concern for toxic zones: per tier AEGL → ERPG → PAC (DOE Protective Action Criteria), each named
with its source; a chemical with only PAC values gets its zones from PAC and says so."""

from __future__ import annotations

import pytest

from yingji.command import toxicity, zones
from yingji.command.toxicity import (
    AEGL_SOURCE,
    ERPG_SOURCE,
    PAC_SOURCE,
    Chemical,
    NoThresholds,
    find_chemical,
    thresholds,
)
from yingji.hazmat.properties import PROPERTIES

AEGL = (1.0, 10.0, 100.0)
ERPG = (2.0, 20.0, 200.0)
PAC = (3.0, 30.0, 300.0)


def made_up(aegl: object = None, erpg: object = None, pac: object = None) -> Chemical:
    return Chemical("0-00-0", "试验品", "test", 50.0, aegl_60min_ppm=aegl, erpg_ppm=erpg,  # type: ignore[arg-type]
                    pac_ppm=pac)


# (AEGL-1/2/3, ERPG-1/2/3, PAC-1/2/3) → the level each of red, orange, yellow uses (None: zone not drawn).
PRECEDENCE = [
    ((AEGL, ERPG, PAC), ("AEGL-3", "AEGL-2", "AEGL-1")),  # AEGL wins over everything
    ((None, ERPG, PAC), ("ERPG-3", "ERPG-2", "ERPG-1")),  # then ERPG
    ((None, None, PAC), ("PAC-3", "PAC-2", "PAC-1")),  # PAC only when neither exists
    (((None, 10.0, 100.0), ERPG, PAC), ("AEGL-3", "AEGL-2", "ERPG-1")),  # tier by tier: AEGL-1 "NR"
    (((None, 10.0, 100.0), (None, 20.0, 200.0), PAC), ("AEGL-3", "AEGL-2", "PAC-1")),
    ((None, (None, 20.0, None), PAC), ("PAC-3", "ERPG-2", "PAC-1")),
    ((None, None, (None, None, 300.0)), ("PAC-3", None, None)),  # only a red zone
]


@pytest.mark.parametrize(("given", "expected"), PRECEDENCE)
def test_order_of_precedence_tier_by_tier(given: tuple[object, object, object],
                                          expected: tuple[str | None, ...]) -> None:
    levels = {t.zone: t for t in thresholds(made_up(*given))}
    got = tuple(levels[z].level if z in levels else None for z in ("red", "orange", "yellow"))
    assert got == expected
    source = {"AEGL": AEGL_SOURCE, "ERPG": ERPG_SOURCE, "PAC": PAC_SOURCE}
    value = {"AEGL": AEGL, "ERPG": ERPG, "PAC": PAC}
    for t in levels.values():
        kind, tier = t.level.split("-")
        assert t.source == source[kind]
        assert t.ppm == value[kind][int(tier) - 1]  # the figure of the criterion named
        assert t.mg_m3 == pytest.approx(t.ppm * 50.0 / 24.45)


def test_no_criterion_at_all_is_refused() -> None:
    with pytest.raises(NoThresholds, match="AEGL、ERPG 或 PAC"):
        thresholds(made_up())


def test_ethanol_has_only_pac_and_its_zones_say_so() -> None:
    ethanol = find_chemical("乙醇")
    assert ethanol.aegl_60min_ppm is None and ethanol.erpg_ppm is None
    levels = thresholds(ethanol)
    assert [(t.level, t.ppm) for t in levels] == [("PAC-3", 15000), ("PAC-2", 3300), ("PAC-1", 1800)]
    assert all(t.source == PAC_SOURCE and "DOE PAC Rev. 29" in t.source for t in levels)
    # PAC-2 3300 ppm · 46.07 g/mol / 24.45 L/mol = 6218.0 mg/m³
    assert levels[1].mg_m3 == pytest.approx(6218.0, abs=0.1)
    release = zones.Release(q_g_s=2000.0, u_m_s=3.0, wind_from_deg=90.0, stability="D", lon=122.03, lat=41.25)
    zone_set = zones.threat_zones(release, levels)
    features = zone_set.feature_collection()["features"]
    assert [f["properties"]["level"] for f in features] == ["PAC-1", "PAC-2", "PAC-3"]
    assert all(f["properties"]["source"] == PAC_SOURCE for f in features)
    assert features[0]["properties"]["label"] == "黄区（PAC-1）"


def test_pac_at_or_above_a_tenth_of_the_lel_points_to_the_flammable_zones() -> None:
    # Ethanol's LEL is 3.3 % = 33 000 ppm: PAC-3 15 000 ppm is above 10 % LEL (3300 ppm), PAC-2 3300 ppm is at it.
    ethanol = find_chemical("乙醇")
    assert ethanol.lel_percent == 3.3
    limits = zones.chemical_limits(ethanol, "toxic", thresholds(ethanol))
    assert any(m.startswith("PAC-3、PAC-2 不低于爆炸下限的 10 %（3300 ppm）") for m in limits)
    chlorine = find_chemical("chlorine")
    assert not any("爆炸下限" in m for m in zones.chemical_limits(chlorine, "toxic", thresholds(chlorine)))


def test_pac_given_in_mg_m3_is_converted_at_25_c() -> None:
    # 24.45 mg/m³ of a 48.9 g/mol gas is 12.225 ppm (ppm = mg/m³ · 24.45 / M).
    assert toxicity._pac_ppm((24.45, None, 48.9), "mg/m3", 48.9) == pytest.approx((12.225, None, 24.45))
    assert toxicity._pac_ppm((1.0, 2.0, 3.0), "ppm", 48.9) == (1.0, 2.0, 3.0)


def test_pac_figures_are_ordered_and_in_a_known_unit() -> None:
    with_pac = {name: p for name, p in PROPERTIES.items() if p.pac is not None}
    assert {"乙醇", "丙酮", "乙醚", "乙酸乙酯", "异氰酸甲酯", "溴甲烷", "甲醛（含量>90%）"} <= set(with_pac)
    for name, props in with_pac.items():
        assert props.pac_unit in ("ppm", "mg/m3"), name
        for n, aegl in enumerate(props.aegl_ppm or (None, None, None)):  # DOE: PAC-n is the AEGL-n if any
            assert aegl is None or (props.pac_unit, props.pac[n]) == ("ppm", aegl), (name, n + 1)
        given = [v for v in props.pac or () if v is not None]
        assert given == sorted(given), name


def test_acrylonitrile_orange_zone_uses_the_corrected_aegl_2() -> None:
    # 60-min AEGL-2 1.7 ppm (DOE PAC Rev. 29 = AEGL), not ERPG-2 35 ppm as before: 1.7 · 53.06 / 24.45 = 3.689 mg/m³.
    acrylonitrile = find_chemical("丙烯腈")
    levels = {t.zone: t for t in thresholds(acrylonitrile)}
    assert (levels["orange"].level, levels["orange"].ppm, levels["orange"].source) == ("AEGL-2", 1.7, AEGL_SOURCE)
    assert levels["orange"].mg_m3 == pytest.approx(3.689, abs=0.001)
    assert [(levels[z].level, levels[z].ppm) for z in ("red", "yellow")] == [("AEGL-3", 28), ("AEGL-1", 0.15)]
    release = zones.Release(q_g_s=500.0, u_m_s=3.0, wind_from_deg=90.0, stability="D", lon=122.03, lat=41.25)
    features = zones.threat_zones(release, list(levels.values())).feature_collection()["features"]
    orange = next(f for f in features if f["properties"]["zone"] == "orange")
    assert orange["properties"]["level"] == "AEGL-2" and orange["properties"]["threshold_ppm"] == 1.7


@pytest.mark.parametrize(("name", "expected"), [
    ("环氧乙烷", [("AEGL-3", 200), ("AEGL-2", 45), ("PAC-1", 5)]),  # no AEGL-1 or ERPG-1: yellow from its PAC-1
    ("二硫化碳", [("AEGL-3", 480), ("AEGL-2", 160), ("AEGL-1", 13)]),  # AEGL before its ERPG 500/50/1
])
def test_corrected_aegls_drive_the_zones(name: str, expected: list[tuple[str | None, float | None]]) -> None:
    levels = {t.zone: t for t in thresholds(find_chemical(name))}
    got = [(levels[z].level, levels[z].ppm) if z in levels else (None, None) for z in ("red", "orange", "yellow")]
    assert got == expected
