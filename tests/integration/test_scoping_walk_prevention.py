# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""The scoping walk for prevention: every /api/v1/prevention endpoint with {pk}, every list and every export
hides enterprise B's records from enterprise A's officer (404, never 403), and other scopes see nothing.

Driven by the OpenAPI schema like tests/integration/test_scoping_walk_hazmat.py: a new prevention endpoint
with {pk} fails here until it is given a request below, and a new collection fails until it is listed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.integration.prevention_support import API, danger_body, days, paying  # noqa: F401 - fixture
from tests.scoping_walk import api_paths, assert_every_path_walked, call
from yingji.prevention.models import (
    EnforcementOrder,
    HiddenDanger,
    InspectionRecord,
    MaintenanceRecord,
    Photo,
    RiskPoint,
    Subscription,
)
from yingji.prevention.services import dangers, inspections, operations, risks, supervision
from yingji.prevention.services.photos import attach_photo

MULTIPART = object()  # photo uploads are multipart forms, not JSON
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# (path, method) → (which of B's records the {pk} is, what A's officer sends)
DETAIL_REQUESTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("/risk-points/{pk}", "get"): ("risk", None),
    ("/risk-points/{pk}", "patch"): ("risk", {"name": "被改"}),
    ("/risk-points/{pk}", "delete"): ("risk", None),
    ("/hidden-dangers/{pk}", "get"): ("danger", None),
    ("/hidden-dangers/{pk}", "patch"): ("danger", {"title": "被改"}),
    ("/hidden-dangers/{pk}/start", "post"): ("danger", {"measures": "x"}),
    ("/hidden-dangers/{pk}/submit", "post"): ("danger", {"note": "x"}),
    ("/hidden-dangers/{pk}/accept", "post"): ("danger", {}),
    ("/hidden-dangers/{pk}/reject", "post"): ("danger", {"reason": "x"}),
    ("/hidden-dangers/{pk}/photos", "post"): ("danger", MULTIPART),
    ("/checkpoints/{pk}", "get"): ("checkpoint", None),
    ("/checkpoints/{pk}", "patch"): ("checkpoint", {"name": "被改"}),
    ("/checkpoints/{pk}", "delete"): ("checkpoint", None),
    ("/checkpoints/{pk}/qr.svg", "get"): ("checkpoint", None),
    ("/routes/{pk}", "get"): ("route", None),
    ("/routes/{pk}", "patch"): ("route", {"name": "被改"}),
    ("/routes/{pk}", "delete"): ("route", None),
    ("/inspection-records/{pk}", "get"): ("record", None),
    ("/inspection-records/{pk}/photos", "post"): ("record", MULTIPART),
    ("/maintenance/{pk}", "get"): ("maintenance", None),
    ("/maintenance/{pk}", "patch"): ("maintenance", {"work": "被改"}),
    ("/maintenance/{pk}", "delete"): ("maintenance", None),
    ("/commitments/{pk}", "get"): ("commitment", None),
    ("/checks/{pk}", "get"): ("check", None),
    ("/orders/{pk}", "get"): ("order", None),
    ("/orders/{pk}/follow-up", "post"): ("order", {"note": "x"}),
    ("/orders/{pk}/close", "post"): ("order", {"note": "x"}),
    ("/photos/{pk}", "get"): ("photo", None),
    ("/subscriptions/{pk}", "get"): ("subscription", None),
    ("/subscriptions/{pk}", "patch"): ("subscription", {"seats": 99}),
}
# Lists and exports, walked below; paths that serve no stored record of one enterprise.
EXPORTS = ("/risk-points/export", "/routes/export", "/hidden-dangers/export", "/checkpoints/export",
           "/inspection-records/export",
           "/missed-rounds/export", "/maintenance/export", "/commitments/export", "/commitment-misses/export",
           "/checks/export", "/orders/export", "/subscriptions/export")
LISTS = ("/risk-points", "/hidden-dangers", "/checkpoints", "/routes", "/inspection-records", "/missed-rounds",
         "/maintenance", "/commitments", "/commitment-misses", "/checks", "/orders", "/subscriptions", "/risk-map")
STATELESS = {"/grade", "/matrix", "/checkpoints/scan", "/risk-points/import"}


@dataclass
class Records:
    risk: RiskPoint
    danger: HiddenDanger
    checkpoint: Any
    route: Any
    record: InspectionRecord
    maintenance: MaintenanceRecord
    commitment: Any
    check: Any
    order: EnforcementOrder
    photo: Photo
    subscription: Subscription


def _records(people: Any, enterprise: Any, officer: Any, tag: str) -> Records:
    admin = people.admin
    risk = risks.create_risk_point({"enterprise": enterprise, "unit_place": f"{tag}罐区", "name": f"{tag}泄漏",
                                    "hazard_description": "泄漏", "method": "ls", "likelihood": 4, "severity": 5,
                                    "responsible_person": "甲"}, actor=admin)
    danger = dangers.report_danger({**danger_body(officer, title=f"{tag}隐患"), "enterprise": enterprise,
                                    "found_on": timezone.localdate(), "deadline": days(7), "owner": officer.pk},
                                   actor=admin)
    checkpoint = inspections.create_checkpoint({"enterprise": enterprise, "name": f"{tag}巡检点",
                                                "check_items": ["无泄漏"]}, actor=admin)
    route = inspections.create_route({"enterprise": enterprise, "name": f"{tag}路线"}, [checkpoint.pk], actor=admin)
    record = inspections.record_inspection(checkpoint, [{"item": "无泄漏", "ok": True}], actor=officer)
    maintenance = inspections.create_maintenance({"enterprise": enterprise, "equipment": f"{tag}泵",
                                                  "performed_on": timezone.localdate(), "work": "保养",
                                                  "performed_by": "维护工"}, actor=admin)
    commitment = operations.sign_commitment({"enterprise": enterprise, "units_running": 1, "risks_controlled": True,
                                             "statement": "受控", "principal": "丙"}, actor=officer)
    check = supervision.record_check({"enterprise": enterprise, "checked_on": timezone.localdate(),
                                      "findings": f"{tag}发现"}, [{"content": "整改", "deadline": days(5)}],
                                     actor=people.emergency_officer)
    photo = attach_photo(danger, io.BytesIO(PNG), "照片", actor=admin)
    return Records(risk, danger, checkpoint, route, record, maintenance, commitment, check, check.orders.get(),
                   photo, Subscription.objects.get(enterprise=enterprise))


@pytest.fixture
def walk(paying: Any, enterprise_a: Any, enterprise_b: Any, settings: Any, tmp_path: Any) -> tuple[Records, Records]:
    settings.MEDIA_ROOT = tmp_path
    return (_records(paying, enterprise_a, paying.officer_a, "甲"),
            _records(paying, enterprise_b, paying.officer_b, "乙"))


def _send(client: Any, method: str, url: str, body: Any) -> Any:
    if body is MULTIPART:
        image = io.BytesIO(PNG)
        image.name = "x.png"
        return client.post(url, {"file": image})
    return call(client, method, url, body)


def _exported(client: Any, path: str) -> str:
    response = client.get(f"{API}{path}", {"format": "csv"})
    assert response.status_code == 200, path
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_every_prevention_path_is_walked(people: Any, client_for: Any) -> None:
    paths = api_paths(client_for(people.admin), API)
    assert_every_path_walked(paths, DETAIL_REQUESTS, STATELESS | set(EXPORTS) | set(LISTS), API)


def test_enterprise_a_cannot_reach_enterprise_b(paying: Any, walk: tuple[Records, Records],
                                                client_for: Any) -> None:
    mine, theirs = walk
    client = client_for(paying.officer_a)
    for (path, method), (kind, body) in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(getattr(theirs, kind).pk))
        assert _send(client, method, url, body).status_code == 404, (method, path)
    theirs.risk.refresh_from_db()
    theirs.danger.refresh_from_db()
    assert (theirs.risk.name, theirs.danger.title, theirs.danger.status) == ("乙泄漏", "乙隐患", "reported")
    assert theirs.danger.photos.count() == 1

    for path in LISTS:
        body = client.get(f"{API}{path}").json()
        text = str(body)
        assert "乙" not in text, path
    for path in EXPORTS:
        assert "乙" not in _exported(client, path), path

    # not vacuous: A reads its own records through the same paths
    for (path, method), (kind, _body) in DETAIL_REQUESTS.items():
        if method == "get":
            url = API + path.replace("{pk}", str(getattr(mine, kind).pk))
            assert client.get(url).status_code == 200, path
    assert "甲泄漏" in _exported(client, "/risk-points/export")
    assert len(list(csv.reader(io.StringIO(_exported(client, "/hidden-dangers/export"))))) == 2


@pytest.mark.parametrize("user", ["township_taiping", "education_officer", "fire_officer"])
def test_other_scopes_do_not_reach_enterprise_b(user: str, paying: Any, walk: tuple[Records, Records],
                                                client_for: Any) -> None:
    """B is in 高升街道 and supervised by the emergency bureau: 太平街道 sees only A; education and fire nothing."""
    _mine, theirs = walk
    client = client_for(getattr(paying, user))
    for (path, method), (kind, body) in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(getattr(theirs, kind).pk))
        assert _send(client, method, url, body).status_code == 404, (user, method, path)
    for path in LISTS:
        assert "乙" not in str(client.get(f"{API}{path}").json()), (user, path)


def test_the_supervising_department_sees_both(paying: Any, walk: tuple[Records, Records], client_for: Any) -> None:
    client = client_for(paying.emergency_officer)
    names = {d["title"] for d in client.get(f"{API}/hidden-dangers").json()["items"]}
    assert names == {"甲隐患", "乙隐患"}
