"""The major-hazard calculator and the catalogue over HTTP: results, 422 naming the field, 401 without a login."""

from __future__ import annotations

import json
from typing import Any

import pytest

API = "/api/v1/hazmat"
EVALUATE = f"{API}/major-hazard/evaluate"

TANK_FARM = {
    "name": "液氯及原油罐区",
    "exposed_population": 120,
    "substances": [
        {"chemical": "氯", "quantity_t": 20},
        {"chemical": "8002-05-9", "quantity_t": 3000, "category": "W5.3"},  # 原油 by CAS
    ],
}
SMALL_STORE = {"name": "化验室", "exposed_population": 0, "substances": [{"chemical": "甲醇", "quantity_t": 0.2}]}


def post(client: Any, body: Any) -> Any:
    return client.post(EVALUATE, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def test_evaluate_two_units(people: Any, client_for: Any) -> None:
    response = post(client_for(people.officer_a), {"units": [TANK_FARM, SMALL_STORE]})
    assert response.status_code == 200, response.content
    farm, store = response.json()["units"]
    # S = 20/5 + 3000/1000 = 7; R = 2·(4·4 + 1·3) = 38 → 三级
    assert (farm["name"], farm["s"], farm["is_major_hazard"], farm["r"], farm["grade"], farm["alpha"]) == (
        "液氯及原油罐区", 7, True, 38, 3, 2)
    assert farm["grade_label"] == "三级"
    chlorine, crude = farm["contributions"]
    assert chlorine == {
        "chemical": "氯", "cas": "7782-50-5", "quantity_t": 20, "critical_q": 5, "q_over_Q": 4, "beta": 4,
        "beta_reason": chlorine["beta_reason"], "category": None, "source_table": 1,
        "q_reason": chlorine["q_reason"], "note": "",
    }
    assert "表3" in chlorine["beta_reason"]
    assert (crude["chemical"], crude["critical_q"], crude["category"], crude["source_table"]) == (
        "原油", 1000, "W5.3", 2)
    # S = 0.2/500 = 0.0004: not a major hazard installation, so neither R nor a grade
    assert (store["s"], store["is_major_hazard"], store["r"], store["grade"]) == (0.0004, False, None, None)


@pytest.mark.parametrize("who", ["admin", "emergency_officer", "township_taiping", "officer_b", "expert", "auditor"])
def test_any_signed_in_user_may_evaluate(who: str, people: Any, client_for: Any) -> None:
    assert post(client_for(getattr(people, who)), {"units": [SMALL_STORE]}).status_code == 200


def test_bearer_token(people: Any, token_client_for: Any) -> None:
    assert post(token_client_for(people.officer_a), {"units": [TANK_FARM]}).json()["units"][0]["grade"] == 3


def _problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, (response.status_code, response.content)
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_unknown_chemical_is_422_naming_it(people: Any, client_for: Any) -> None:
    rows = [{"chemical": "甲醇", "quantity_t": 1}, {"chemical": "某溶剂", "quantity_t": 1}]
    unit = {**SMALL_STORE, "substances": rows}
    problems = _problems(post(client_for(people.officer_a), {"units": [TANK_FARM, unit]}))
    assert list(problems) == ["units.1.substances.1.chemical"]
    assert "某溶剂" in problems["units.1.substances.1.chemical"]
    assert "未知危险化学品" in problems["units.1.substances.1.chemical"]


def test_missing_category_is_422_naming_the_substance(people: Any, client_for: Any) -> None:
    unit = {**SMALL_STORE, "substances": [{"chemical": "原油", "quantity_t": 500}]}
    problems = _problems(post(client_for(people.officer_a), {"units": [unit]}))
    message = problems["units.0.substances.0.category"]
    assert "原油" in message and "W5.3" in message


@pytest.mark.parametrize(("unit", "field", "words"), [
    ({**SMALL_STORE, "exposed_population": -3}, "units.0.exposed_population", "负数"),
    ({**SMALL_STORE, "substances": [{"chemical": "氨", "quantity_t": -1}]}, "units.0.substances.0.quantity_t", "负数"),
    ({**SMALL_STORE, "substances": [{"chemical": "氨", "quantity_t": 1, "category": "W2"}]},
     "units.0.substances.0.category", "表3"),
    ({**SMALL_STORE, "substances": [{"chemical": "6484-52-2", "quantity_t": 1}]},
     "units.0.substances.0.chemical", "硝酸铵"),
], ids=["negative population", "negative quantity", "category for a table-3 gas", "ambiguous CAS"])
def test_bad_values_are_422(unit: dict[str, Any], field: str, words: str, people: Any, client_for: Any) -> None:
    problems = _problems(post(client_for(people.officer_a), {"units": [unit]}))
    assert words in problems[field], problems


@pytest.mark.parametrize("body", [
    '{"units": [{"name": "x", "exposed_population": 1, "substances": [{"chemical": "氨", "quantity_t": "十吨"}]}]}',
    '{"units": [{"name": "x", "exposed_population": 1, "substances": [{"chemical": "氨", "quantity_t": NaN}]}]}',
    '{"units": [{"name": "x", "substances": []}]}',
    '{"units": "x"}',
], ids=["quantity not a number", "NaN", "population missing", "units not a list"])
def test_malformed_bodies_are_422(body: str, people: Any, client_for: Any) -> None:
    response = post(client_for(people.officer_a), body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_too_many_units(people: Any, client_for: Any) -> None:
    problems = _problems(post(client_for(people.officer_a), {"units": [SMALL_STORE] * 1001}))
    assert "1000" in problems["units"]


def test_substance_search(people: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    assert [s["name"] for s in client.get(f"{API}/substances", {"q": "7664-41-7"}).json()] == ["氨"]
    assert [s["name"] for s in client.get(f"{API}/substances", {"q": "液氯"}).json()] == ["氯"]
    crude = client.get(f"{API}/substances", {"q": "原油"}).json()[0]
    assert crude["category_required"] is True and crude["critical_q"] is None and crude["source_table"] == 2
    propylene = client.get(f"{API}/substances", {"q": "propylene"}).json()[0]
    assert (propylene["name"], propylene["critical_q"], propylene["categories"]) == ("丙烯", 10, ["W2"])
    ammonia = client.get(f"{API}/substances", {"q": "1005"}).json()[0]
    assert (ammonia["critical_q"], ammonia["toxic_gas_beta"], ammonia["un"], ammonia["state"]) == (
        10, 2, ["1005"], "gas")
    assert len(client.get(f"{API}/substances").json()) > 50


def test_anonymous_gets_401(anon_client: Any) -> None:
    assert post(anon_client, {"units": [SMALL_STORE]}).status_code == 401
    assert anon_client.get(f"{API}/substances").status_code == 401
