"""The scoping walk for hazmat: every /api/v1/hazmat endpoint with {pk}, and every list, overview and export
that serves stored units or ledger records, hides enterprise B's records from enterprise A's officer.

Driven by the OpenAPI schema like tests/integration/test_scoping_walk.py: a new hazmat endpoint with {pk}
fails here until it is given a request body below, and a new hazmat data path fails until it is walked.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import openpyxl
import pytest

from tests import factories
from tests.hazmat_ledger_support import LedgerOfB, ledger_of_b
from tests.scoping_walk import api_paths, assert_every_path_walked, call
from yingji.hazmat import services
from yingji.hazmat.models import HazardUnit, Movement, MovementStatus, PeriodBalance

API = "/api/v1/hazmat"
# What A's officer sends to B's unit, per (path, method): harmless if it were ever accepted by mistake.
DETAIL_REQUESTS: dict[tuple[str, str], Any] = {
    ("/units/{pk}", "get"): None,
    ("/units/{pk}", "patch"): {"name": "被改"},
    ("/units/{pk}", "delete"): None,
    ("/units/{pk}/inventory", "put"): [],
}
# B's ledger records by the attribute of LedgerOfB each path takes, and what A's officer sends.
LEDGER_REQUESTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("/ledger/movements/{pk}", "get"): ("movement", None),
    ("/ledger/movements/{pk}/confirm", "post"): ("inbound", {}),
    ("/ledger/movements/{pk}/reject", "post"): ("inbound", {"reason": "越权拒收"}),
    ("/ledger/waybills/{pk}", "get"): ("waybill", None),
    ("/ledger/balances/{pk}/explain", "post"): ("balance", {"explanation": "越权说明"}),
    ("/ledger/batches/{pk}/trace", "get"): ("batch", None),
}
# The catalogue is shared reference data: every signed-in user reads an entry, only its editors change it
# (tests/integration/test_hazmat_catalogue.py).
REFERENCE = {("/chemicals/{pk}", "get"): None, ("/chemicals/{pk}", "patch"): {"note": "越权"},
             ("/chemicals/{pk}", "delete"): None}
# Paths that serve no stored record (the stateless calculator and the catalogue) or are walked below.
STATELESS = {"/major-hazard/evaluate", "/substances", "/chemicals"}
# /units/import writes only within the importer's scope (tests/integration/test_hazmat_import.py, row 8).
COLLECTIONS = {"/units", "/units/import", "/major-hazards", "/major-hazards/export", "/ledger/movements",
               "/ledger/waybills", "/ledger/stocktakes", "/ledger/stock", "/ledger/balances", "/ledger/balances/export",
               "/ledger/batches", "/ledger/qualifications"}


@pytest.fixture
def b_unit(people: Any, enterprise_b: Any) -> HazardUnit:
    unit = services.create_unit({"enterprise": enterprise_b, "name": "乙公司液氯罐区", "kind": "storage",
                                 "exposed_population": 120}, actor=people.admin)
    return services.replace_inventory(unit, [services.InventoryRow("氯", 20)], actor=people.admin)


@pytest.fixture
def a_unit(people: Any, enterprise_a: Any) -> HazardUnit:
    unit = services.create_unit({"enterprise": enterprise_a, "name": "甲公司液氨罐区", "kind": "storage",
                                 "exposed_population": 10}, actor=people.admin)
    return services.replace_inventory(unit, [services.InventoryRow("氨", 50)], actor=people.admin)


def _export(client: Any, fmt: str) -> bytes:
    response = client.get(f"{API}/major-hazards/export", {"format": fmt})
    assert response.status_code == 200, fmt
    return b"".join(response.streaming_content)


def _exported_names(client: Any, fmt: str) -> set[str]:
    body = _export(client, fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return {row[1] for row in rows[1:]}


def test_every_hazmat_path_is_walked(people: Any, client_for: Any) -> None:
    paths = api_paths(client_for(people.admin), API)
    assert_every_path_walked(paths, {**DETAIL_REQUESTS, **LEDGER_REQUESTS, **REFERENCE}, STATELESS | COLLECTIONS, API)


def test_enterprise_a_cannot_reach_enterprise_b_unit(people: Any, a_unit: HazardUnit, b_unit: HazardUnit,
                                                     client_for: Any) -> None:
    client = client_for(people.officer_a)
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(b_unit.pk))
        response = call(client, method, url, body)
        assert response.status_code == 404, (method, path, response.status_code)
    b_unit.refresh_from_db()
    assert (b_unit.name, b_unit.grade, b_unit.inventory.count()) == ("乙公司液氯罐区", 3, 1)

    listed = {u["id"] for u in client.get(f"{API}/units", {"limit": 1000}).json()["items"]}
    assert b_unit.pk not in listed
    overview = client.get(f"{API}/major-hazards").json()
    assert b_unit.pk not in {u["id"] for u in overview["items"]}
    assert overview["total"] == sum(overview["counts_by_grade"].values()) == 1  # A's own unit only
    for fmt in ("csv", "xlsx"):
        assert b_unit.name not in _exported_names(client, fmt), fmt
    features = json.loads(_export(client, "geojson"))["features"]
    assert b_unit.pk not in {f["properties"]["id"] for f in features}

    # Not vacuous: A sees and changes its own unit (ammonia 50/10: S 5, R 1 × 2 × 5 = 10, 三级); B's officer sees B's.
    assert a_unit.pk in listed and a_unit.pk in {u["id"] for u in overview["items"]}
    assert a_unit.pk in {f["properties"]["id"] for f in features}
    assert a_unit.name in _exported_names(client, "csv")
    for (path, method), body in DETAIL_REQUESTS.items():
        if method == "delete":
            continue
        url = API + path.replace("{pk}", str(a_unit.pk))
        assert call(client, method, url, body).status_code == 200, (method, path)
    assert client.delete(f"{API}/units/{a_unit.pk}").status_code == 204
    officer_b = client_for(people.officer_b)
    assert b_unit.pk in {u["id"] for u in officer_b.get(f"{API}/units").json()["items"]}
    assert officer_b.get(f"{API}/units/{b_unit.pk}").status_code == 200


@pytest.mark.parametrize("user", ["township_taiping", "education_officer", "fire_officer"])
def test_other_scopes_do_not_reach_enterprise_b_unit(user: str, people: Any, b_unit: HazardUnit,
                                                     client_for: Any) -> None:
    """B is in 高升街道 and supervised by the emergency bureau: 太平街道, education and fire see nothing."""
    client = client_for(getattr(people, user))
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(b_unit.pk))
        assert call(client, method, url, body).status_code == 404, (user, method, path)
    assert client.get(f"{API}/units").json()["count"] == 0
    assert client.get(f"{API}/major-hazards").json()["total"] == 0
    assert HazardUnit.objects.filter(pk=b_unit.pk).exists()


@pytest.fixture
def b_ledger(people: Any, enterprise_b: Any, gaosheng: Any, departments: Any) -> LedgerOfB:
    c = factories.EnterpriseFactory(name="丙供货有限公司", admin_area=gaosheng, owner_department=departments.emergency)
    return ledger_of_b(people, enterprise_b, c)


def _ledger_pk(ledger: LedgerOfB, name: str) -> int:
    if name == "batch":
        assert ledger.movement.batch_id is not None
        return ledger.movement.batch_id
    return int(getattr(ledger, name).pk)


def test_enterprise_a_cannot_reach_enterprise_b_ledger(people: Any, b_ledger: LedgerOfB, client_for: Any) -> None:
    client = client_for(people.officer_a)
    for (path, method), (name, body) in LEDGER_REQUESTS.items():
        url = API + path.replace("{pk}", str(_ledger_pk(b_ledger, name)))
        response = call(client, method, url, body)
        assert response.status_code == 404, (method, path, response.status_code)
    inbound = Movement.objects.get(pk=b_ledger.inbound.pk)
    assert inbound.status == MovementStatus.PENDING
    assert PeriodBalance.objects.get(pk=b_ledger.balance.pk).explanation == ""
    for path in ("/ledger/movements", "/ledger/balances", "/ledger/stocktakes", "/ledger/waybills", "/ledger/batches",
                 "/ledger/qualifications"):
        body = client.get(API + path).json()
        items = body["items"] if isinstance(body, dict) else body
        assert items == [], path
    assert client.get(f"{API}/ledger/stock", {"enterprise": b_ledger.movement.enterprise_id}).status_code == 404
    exported = client.get(f"{API}/ledger/balances/export", {"format": "csv"})
    assert "乙石化" not in b"".join(exported.streaming_content).decode("utf-8-sig")
    # Not vacuous: B's officer reaches every one of them, and its supervisor sees the discrepancy.
    officer_b = client_for(people.officer_b)
    for (path, method), (name, _) in LEDGER_REQUESTS.items():
        if method == "get":
            url = API + path.replace("{pk}", str(_ledger_pk(b_ledger, name)))
            assert officer_b.get(url).status_code == 200, path
    assert officer_b.get(f"{API}/ledger/stock").json()[0]["chemical"] in {"氯", "氨"}
    flagged = client_for(people.emergency_officer).get(f"{API}/ledger/balances", {"status": "discrepancy"}).json()
    assert [b["id"] for b in flagged] == [b_ledger.balance.pk]


def test_catalogue_entries_are_read_by_all_and_changed_by_editors(people: Any, client_for: Any) -> None:
    chlorine = client_for(people.admin).get(f"{API}/chemicals", {"q": "液氯"}).json()["items"][0]["id"]
    client = client_for(people.officer_a)
    for (path, method), body in REFERENCE.items():
        response = call(client, method, API + path.replace("{pk}", str(chlorine)), body)
        assert response.status_code == (200 if method == "get" else 403), (method, response.status_code)


def test_walk_paths_match_the_schema_pattern() -> None:
    assert all(re.fullmatch(r"/units/\{pk\}(/inventory)?", p) for p, _ in DETAIL_REQUESTS)


def test_major_hazard_map_layer_is_scoped(people: Any, a_unit: HazardUnit, b_unit: HazardUnit,
                                          client_for: Any) -> None:
    def ids(user: Any, fmt: str) -> set[int]:
        body = client_for(user).get("/api/v1/map/layers/major-hazards", {"format": fmt}).json()
        return set(body["ids"]) if fmt == "compact" else {f["id"] for f in body["features"]}

    assert b_unit.longitude is not None and a_unit.longitude is not None
    for fmt in ("compact", "geojson"):
        assert ids(people.officer_a, fmt) == {a_unit.pk}
        assert ids(people.admin, fmt) == {a_unit.pk, b_unit.pk}
    layers = {layer["slug"]: layer for layer in client_for(people.officer_a).get("/api/v1/map/layers").json()}
    assert (layers["major-hazards"]["count"], layers["major-hazards"]["detail_url"]) == (1, "/hazmat/units/{id}/")
