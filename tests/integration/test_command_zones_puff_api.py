"""POST /api/v1/command/dispersion/zones: a puff's footprint at given times beside its envelope, and the level of
concern each zone uses (AEGL → ERPG → PAC) with its source, over HTTP."""

from __future__ import annotations

import math
from typing import Any

import pytest

from .test_command_zones_api import BODY, post

PUFF: dict[str, Any] = {**{k: v for k, v in BODY.items() if k != "q_g_s"}, "model": "puff", "mass_g": 500_000,
                        "u_m_s": 3}


def test_puff_footprint_at_one_time(people: Any, client_for: Any) -> None:
    response = post(client_for(people.admin), {**PUFF, "t_s": 600})
    assert response.status_code == 200, response.content
    data = response.json()
    assert all(f["properties"]["footprint"] == "envelope" for f in data["features"])
    assert "最大包络" in data["footprint_note"] and "该时刻" in data["footprint_note"]
    (snapshot,) = data["at_times"]
    assert snapshot["type"] == "FeatureCollection" and snapshot["t_s"] == 600
    assert snapshot["centre_downwind_m"] == 1800.0
    assert (snapshot["sigma_y_m"], snapshot["sigma_z_m"]) == (59.29, 28.5)
    # Wind from the north: the centre is 1800 m due south (≈ 0.0162° of latitude).
    assert snapshot["centre"]["lon"] == pytest.approx(BODY["source"]["lon"], abs=1e-4)
    assert BODY["source"]["lat"] - snapshot["centre"]["lat"] == pytest.approx(1800 / 111_050, rel=0.005)
    orange = next(f for f in snapshot["features"] if f["properties"]["zone"] == "orange")
    assert orange["properties"]["radius_m"] == pytest.approx(181.7, abs=0.05)  # test_command_puff_footprint.py
    assert orange["properties"]["footprint"] == "at_time"
    ring = orange["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 97


def test_puff_footprint_at_several_times_moves_downwind(people: Any, client_for: Any) -> None:
    data = post(client_for(people.admin), {**PUFF, "times_s": [1200, 300, 600, 600]}).json()
    times = [s["t_s"] for s in data["at_times"]]
    assert times == [300, 600, 1200]  # sorted, once each
    assert [s["centre_downwind_m"] for s in data["at_times"]] == [900.0, 1800.0, 3600.0]
    lats = [s["centre"]["lat"] for s in data["at_times"]]
    assert lats == sorted(lats, reverse=True)


def test_puff_limits_over_http(people: Any, client_for: Any) -> None:
    data = post(client_for(people.admin), {**PUFF, "u_m_s": 0.8, "t_s": 5400}).json()
    text = "\n".join(data["limits"])
    assert "低于 1 m/s" in text and "100 m 以内（近场）" in text and "地形" in text and "重气" in text
    assert any("超过 60 分钟" in m for m in data["at_times"][0]["limits"])


@pytest.mark.parametrize(("change", "field"), [
    ({"t_s": 600}, "t_s"),  # a plume is steady: no time after release
    ({"times_s": [600]}, "times_s"),
])
def test_a_plume_takes_no_time(people: Any, client_for: Any, change: dict[str, Any], field: str) -> None:
    response = post(client_for(people.admin), {**BODY, **change})
    assert response.status_code == 422, response.content
    assert {e["field"] for e in response.json()["detail"]} == {field}


@pytest.mark.parametrize(("change", "field"), [
    ({"t_s": 0}, "t_s"),
    ({"t_s": -60}, "t_s"),
    ({"t_s": 6 * 3600 + 1}, "t_s"),
    ({"times_s": [60, -1]}, "times_s"),
    ({"times_s": [60 * (i + 1) for i in range(13)]}, "times_s"),
    ({"t_s": "soon"}, "t_s"),
])
def test_bad_times_are_refused_by_field(people: Any, client_for: Any, change: dict[str, Any], field: str) -> None:
    response = post(client_for(people.admin), {**PUFF, **change})
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["detail"]}


def test_a_chemical_with_only_pac_gets_pac_zones_and_says_so(people: Any, client_for: Any) -> None:
    data = post(client_for(people.admin), {**BODY, "chemical": "乙醇", "q_g_s": 5000}).json()
    assert [f["properties"]["level"] for f in data["features"]] == ["PAC-1", "PAC-2", "PAC-3"]
    assert [c["criterion"] for c in data["criteria"]] == ["PAC", "PAC", "PAC"]
    assert [c["threshold_ppm"] for c in data["criteria"]] == [15000, 3300, 1800]
    expected = "阈值：红区 PAC-3（15000 ppm）、橙区 PAC-2（3300 ppm）、黄区 PAC-1（1800 ppm）"
    assert data["criteria_note"].startswith(expected)
    assert "DOE PAC Rev. 29" in data["criteria_note"]
    assert any("hazard=flammable" in m for m in data["limits"])  # PAC-3 is above 10 % of ethanol's LEL


def test_criteria_name_each_tier_of_a_mixed_chemical(people: Any, client_for: Any) -> None:
    data = post(client_for(people.admin), {**BODY, "chemical": "光气"}).json()  # AEGL-3/-2, no tier 1 anywhere
    assert [(c["zone"], c["level"], c["criterion"]) for c in data["criteria"]] == [
        ("red", "AEGL-3", "AEGL"), ("orange", "AEGL-2", "AEGL")]
    chlorine = post(client_for(people.admin), BODY).json()
    assert "AEGL" in chlorine["criteria_note"] and "PAC" not in chlorine["criteria_note"]
    assert not math.isnan(chlorine["criteria"][0]["threshold_ppm"])
