"""The stateless command calculators over HTTP: happy paths, 422 naming the field, 401 without a login."""

from __future__ import annotations

import json
from typing import Any

import pytest

API = "/api/v1/command"
CLASSIFY = f"{API}/incidents/classify"
POINT = f"{API}/dispersion/point"
STABILITY = f"{API}/dispersion/stability"

PLUME = {"model": "plume", "q_g_s": 100, "u_m_s": 5, "h_m": 0, "stability": "D", "terrain": "rural",
         "x_m": 1000, "y_m": 0, "z_m": 0}
PUFF = {"model": "puff", "mass_g": 1e6, "u_m_s": 5, "h_m": 0, "stability": "D", "x_m": 1000, "t_s": 200}


@pytest.fixture
def officer(people: Any, client_for: Any) -> Any:
    """Any signed-in user may use the calculators; a township officer is the least privileged typical one."""
    return client_for(people.township_taiping)


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.content)
    fields = [e.get("field") or "" for e in response.json()["detail"]]
    assert any(field in f for f in fields), (field, response.json())


# --- classification ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "level", "response", "decided_by"), [
    ({"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}, "一般", "IV", []),
    ({"deaths": 3, "serious_injuries": 0, "direct_loss_yuan": 0}, "较大", "III", ["deaths"]),
    ({"deaths": 1, "serious_injuries": 50, "direct_loss_yuan": 20_000_000}, "重大", "II", ["serious_injuries"]),
    ({"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 100_000_000.0}, "特别重大", "I", ["direct_loss_yuan"]),
])
def test_classify(officer: Any, body: dict[str, Any], level: str, response: str, decided_by: list[str]) -> None:
    result = post(officer, CLASSIFY, body)
    assert result.status_code == 200, result.content
    data = result.json()
    assert (data["level"], data["response"]) == (level, response)
    assert [c["criterion"] for c in data["decided_by"]] == decided_by
    assert data["reporting"][0] == {"report_from": "事故发生单位负责人", "report_to": "县级安全生产监督管理部门",
                                    "within_minutes": 60}
    assert all(step["within_minutes"] == 120 for step in data["reporting"][1:])


def test_escalation_deadline_follows_the_setting(officer: Any, settings: Any) -> None:
    settings.YINGJI_REPORT_ESCALATION_HOURS = 1.5
    data = post(officer, CLASSIFY, {"deaths": 10, "serious_injuries": 0, "direct_loss_yuan": 0}).json()
    assert [s["within_minutes"] for s in data["reporting"]] == [60, 90, 90, 90]


def test_classify_answers_in_chinese(officer: Any) -> None:
    result = post(officer, CLASSIFY, {"deaths": 30, "serious_injuries": 0, "direct_loss_yuan": 0})
    assert "特别重大".encode() in result.content  # not \\u escapes


CLASSIFY_OK = {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}


@pytest.mark.parametrize(("change", "field"), [
    ({"deaths": -1}, "deaths"),
    ({"serious_injuries": -3}, "serious_injuries"),
    ({"direct_loss_yuan": -0.5}, "direct_loss_yuan"),
    ({"deaths": 2.5}, "deaths"),
    ({"deaths": "三"}, "deaths"),
    ({"direct_loss_yuan": "很多"}, "direct_loss_yuan"),
    ({"deaths": None}, "deaths"),
])
def test_bad_figures_are_refused(officer: Any, change: dict[str, Any], field: str) -> None:
    assert_refused(post(officer, CLASSIFY, {**CLASSIFY_OK, **change}), field)


def test_missing_figure_is_refused(officer: Any) -> None:
    assert_refused(post(officer, CLASSIFY, {"deaths": 1, "serious_injuries": 0}), "direct_loss_yuan")


def test_negative_figure_message_is_chinese(officer: Any) -> None:
    detail = post(officer, CLASSIFY, {**CLASSIFY_OK, "deaths": -1}).json()["detail"]
    assert detail == [{"field": "deaths", "message": "死亡不能为负数（实际为 -1 人）"}]


# --- dispersion point --------------------------------------------------------------------------------
def test_plume_point(officer: Any) -> None:
    # 100/(π·5·76.277·37.947) = 2.1994e-3 g/m³ (tests/unit/test_command_dispersion.py has the arithmetic)
    result = post(officer, POINT, PLUME)
    assert result.status_code == 200, result.content
    data = result.json()
    assert data["concentration_g_m3"] == pytest.approx(2.1994e-3, rel=1e-4)
    assert (data["sigma_y_m"], data["sigma_z_m"]) == pytest.approx((76.277, 37.947), abs=0.001)
    assert data["limits"] == []


def test_puff_point(officer: Any) -> None:
    # centre at u·t = 1000 m: 2e6/((2π)^1.5·34.526²·18.884) = 5.641 g/m³
    data = post(officer, POINT, PUFF).json()
    assert data["concentration_g_m3"] == pytest.approx(5.641, abs=0.001)
    assert (data["sigma_y_m"], data["sigma_z_m"]) == pytest.approx((34.526, 18.884), abs=0.001)


def test_limits_are_stated_not_silent(officer: Any) -> None:
    data = post(officer, POINT, {**PLUME, "x_m": 50, "u_m_s": 0.5}).json()
    assert len(data["limits"]) == 2
    assert "100 m" in data["limits"][0] and "1 m/s" in data["limits"][1]
    puff = post(officer, POINT, {**PUFF, "t_s": 4000, "u_m_s": 2}).json()
    assert any("60 分钟" in text for text in puff["limits"])


def test_class_and_model_are_accepted_in_either_case(officer: Any) -> None:
    assert post(officer, POINT, {**PLUME, "stability": "d", "model": "Plume"}).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({**PLUME, "q_g_s": -1}, "q_g_s"),
    ({**PUFF, "mass_g": -1}, "mass_g"),
    ({**PLUME, "u_m_s": -2}, "u_m_s"),
    ({**PLUME, "u_m_s": 0}, "u_m_s"),
    ({**PLUME, "stability": "G"}, "stability"),
    ({**PLUME, "stability": "A-B"}, "stability"),
    ({**PLUME, "stability": ""}, "stability"),
    ({k: v for k, v in PLUME.items() if k != "q_g_s"}, "q_g_s"),
    ({k: v for k, v in PUFF.items() if k != "mass_g"}, "mass_g"),
    ({k: v for k, v in PUFF.items() if k != "t_s"}, "t_s"),
    ({**PUFF, "t_s": 0}, "t_s"),
    ({**PLUME, "x_m": 0}, "x_m"),
    ({**PLUME, "x_m": -100}, "x_m"),
    ({**PLUME, "h_m": -1}, "h_m"),
    ({**PLUME, "z_m": -1}, "z_m"),
    ({**PLUME, "terrain": "desert"}, "terrain"),
    ({**PLUME, "model": "jet"}, "model"),
    ({**PLUME, "mass_g": 10}, "mass_g"),
    ({**PLUME, "x_m": "far"}, "x_m"),
    ({k: v for k, v in PLUME.items() if k != "u_m_s"}, "u_m_s"),
])
def test_bad_point_is_refused(officer: Any, body: dict[str, Any], field: str) -> None:
    assert_refused(post(officer, POINT, body), field)


def test_every_problem_is_reported_at_once(officer: Any) -> None:
    response = post(officer, POINT, {**PLUME, "q_g_s": -1, "u_m_s": -1, "stability": "Z", "x_m": 0})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"q_g_s", "u_m_s", "stability", "x_m"}


def test_non_json_body_is_refused(officer: Any) -> None:
    assert post(officer, POINT, "not json").status_code in (400, 422)


# --- stability ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "stability", "conservative"), [
    ({"wind_m_s": 1.5, "daytime": True, "insolation": "moderate"}, "A-B", "B"),
    ({"wind_m_s": 4, "daytime": True, "insolation": "slight"}, "C", "C"),
    ({"wind_m_s": 1, "daytime": False, "cloud_eighths": 2}, "F", "F"),
    ({"wind_m_s": 1, "daytime": False, "cloud_eighths": 8}, "D", "D"),
    ({"wind_m_s": 1, "daytime": True, "insolation": "overcast"}, "D", "D"),
])
def test_stability(officer: Any, body: dict[str, Any], stability: str, conservative: str) -> None:
    result = post(officer, STABILITY, body)
    assert result.status_code == 200, result.content
    assert result.json() == {"stability": stability, "conservative_class": conservative}


@pytest.mark.parametrize(("body", "field"), [
    ({"wind_m_s": -1, "daytime": True, "insolation": "strong"}, "wind_m_s"),
    ({"wind_m_s": 3, "daytime": True}, "insolation"),
    ({"wind_m_s": 3, "daytime": True, "insolation": "bright"}, "insolation"),
    ({"wind_m_s": 3, "daytime": False}, "cloud_eighths"),
    ({"wind_m_s": 3, "daytime": False, "cloud_eighths": 9}, "cloud_eighths"),
    ({"wind_m_s": 3, "insolation": "strong"}, "daytime"),
])
def test_bad_weather_is_refused(officer: Any, body: dict[str, Any], field: str) -> None:
    assert_refused(post(officer, STABILITY, body), field)


# --- authentication ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "body"), [
    (CLASSIFY, CLASSIFY_OK),
    (POINT, PLUME),
    (STABILITY, {"wind_m_s": 3, "daytime": True, "insolation": "strong"}),
])
def test_unauthenticated_is_refused(anon_client: Any, db: Any, url: str, body: dict[str, Any]) -> None:
    response = post(anon_client, url, body)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效"}


def test_bearer_token_works(people: Any, token_client_for: Any) -> None:
    response = post(token_client_for(people.officer_a), CLASSIFY, CLASSIFY_OK)
    assert response.status_code == 200
    assert response.json()["level"] == "一般"
