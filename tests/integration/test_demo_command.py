"""`yingji demo`: loads the marked demo county fast, once, with an account per role and an intact audit chain."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from shapely.geometry import Point

from yingji.command.models import ResponsePlan
from yingji.command.readiness import check_requirements
from yingji.core import demo_geography, services
from yingji.core.audit import verify_chain
from yingji.core.credit_code import is_valid_credit_code
from yingji.core.demo_accounts import ADMIN_TOTP_SECRET, DEFAULT_PASSWORD
from yingji.core.management.commands import serve
from yingji.core.models import AdminArea, AuditAction, AuditEvent, Department, Road, User
from yingji.core.roles import Role
from yingji.core.ticks import TickSupervisor, demo_ticks, run_command
from yingji.registry.models import (
    Enterprise,
    Equipment,
    Expert,
    MedicalFacility,
    RescueTeam,
    School,
    Shelter,
    StockItem,
    Vehicle,
    Warehouse,
)

pytestmark = pytest.mark.django_db

LOCATED = (Enterprise, School, RescueTeam, Expert, MedicalFacility, Warehouse, Shelter, Vehicle, Equipment)
COUNTS = {
    Enterprise: (140, 160), School: (110, 130), RescueTeam: (25, 35), Expert: (75, 85), MedicalFacility: (12, 20),
    Warehouse: (18, 22), StockItem: (90, 300), Shelter: (55, 65), Vehicle: (40, 55), Equipment: (25, 35),
}
USERNAMES = ("admin", "yingji_officer", "edu_officer", "taiping_officer", "ent_a", "ent_b", "expert",
             "team_leader", "auditor")


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--load-only", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("YINGJI_DEMO_PASSWORD", raising=False)
    started = time.perf_counter()
    output = run_demo()
    assert time.perf_counter() - started < 30
    return output


def snapshot() -> dict[str, Any]:
    return {
        "counts": {m.__name__: m.objects.count() for m in COUNTS},
        "roads": Road.objects.count(),
        "plans": sorted(ResponsePlan.objects.values_list("code", "version", "status")),
        "population": AdminArea.objects.aggregate(total=Sum("population"))["total"],
        "users": User.objects.count(),
        "departments": Department.objects.count(),
        "enterprises": sorted(Enterprise.objects.values_list("credit_code", "name", "longitude", "latitude")),
        "plates": sorted(Vehicle.objects.values_list("plate", flat=True)),
        "stock": sorted(StockItem.objects.values_list("warehouse__name", "name", "quantity", "expiry_date")),
    }


def test_loads_every_kind_marked_as_demo(loaded: str) -> None:
    for model, (low, high) in COUNTS.items():
        assert low <= model.objects.filter(is_demo=True).count() <= high, model.__name__
        assert not model.objects.filter(is_demo=False).exists(), model.__name__
    assert Road.objects.filter(is_demo=True, source="演示路网").count() == len(demo_geography.road_network())
    assert 35 <= Enterprise.objects.filter(in_chemical_park=True).exclude(hazard_category="none").count() <= 45
    assert "演示数据 / demo data" in loaded


def test_departments_supervise_sensible_kinds(loaded: str) -> None:
    kinds = dict(Department.objects.values_list("name", "supervised_kinds"))
    assert len(kinds) >= 10
    assert {"registry.enterprise", "registry.rescueteam", "registry.warehouse", "registry.stockitem",
            "registry.shelter", "registry.expert", "registry.equipment"} <= set(kinds["盘山县应急管理局"])
    assert kinds["盘山县教育局"] == ["registry.school"]
    assert kinds["盘山县卫生健康局"] == ["registry.medicalfacility"]
    assert set(kinds["盘山县消防救援大队"]) == {"registry.rescueteam", "registry.vehicle", "hazmat.hazardunit"}
    assert "registry.enterprise" in kinds["盘山县市场监督管理局"]


def test_every_row_passes_model_validation(loaded: str) -> None:
    for model in (*LOCATED, StockItem):
        for row in model.objects.all():
            row.full_clean()  # credit code, phone, coordinates, occupancy ≤ capacity …
    assert all(is_valid_credit_code(c) for c in Enterprise.objects.values_list("credit_code", flat=True))


def test_every_point_is_inside_the_county_and_its_area(loaded: str) -> None:
    boundary = demo_geography.load_county_boundary()
    towns = demo_geography.township_polygons()
    for model in LOCATED:
        for lon, lat, code in model.objects.values_list("longitude", "latitude", "admin_area__code"):
            assert boundary.contains(Point(lon, lat)), (model.__name__, lon, lat)
            assert towns[code[:9]].covers(Point(lon, lat)), (model.__name__, lon, lat, code)


def test_an_account_for_every_role(loaded: str) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    assert set(users) == set(USERNAMES)
    assert {u.role for u in users.values()} == set(Role.values)
    assert all(u.check_password(DEFAULT_PASSWORD) for u in users.values())
    admin = users["admin"]
    assert admin.is_superuser and admin.is_staff and admin.totp_confirmed
    assert admin.totp_secret == ADMIN_TOTP_SECRET
    assert services.verify_totp(admin, services.totp_for(admin).now())
    assert users["yingji_officer"].department.name == "盘山县应急管理局"
    assert users["edu_officer"].department.name == "盘山县教育局"
    assert users["taiping_officer"].admin_area.name == "太平街道"
    assert users["ent_a"].enterprise.is_demo and users["ent_b"].enterprise.is_demo
    assert users["ent_a"].enterprise_id != users["ent_b"].enterprise_id
    assert Expert.objects.filter(user=users["expert"], is_demo=True).count() == 1
    assert RescueTeam.objects.filter(leader_user=users["team_leader"], is_demo=True).count() == 1
    # The accounts see what their role promises.
    assert Enterprise.objects.for_user(users["ent_a"]).count() == 1
    assert School.objects.for_user(users["edu_officer"]).count() == School.objects.count()
    assert 0 < Enterprise.objects.for_user(users["taiping_officer"]).count() < Enterprise.objects.count()
    assert RescueTeam.objects.writable_by(users["team_leader"]).count() == 1


def test_prints_the_accounts_and_the_admin_second_factor(loaded: str) -> None:
    for username in USERNAMES:
        assert username in loaded
    assert DEFAULT_PASSWORD in loaded
    assert ADMIN_TOTP_SECRET in loaded
    assert "yingji totp_code admin" in loaded


def test_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YINGJI_DEMO_PASSWORD", "another-demo-pass")
    output = run_demo()
    assert "another-demo-pass" in output
    assert User.objects.get(username="auditor").check_password("another-demo-pass")


def test_second_run_replaces_instead_of_duplicating(loaded: str) -> None:
    first = snapshot()
    kept = Enterprise.objects.create(name="真实录入企业", credit_code="91350100M000100Y43")
    run_demo()
    second = snapshot()
    assert Enterprise.objects.filter(pk=kept.pk).exists()  # rows people entered are never touched
    kept.delete()
    second["counts"]["Enterprise"] -= 1
    second["enterprises"] = [e for e in second["enterprises"] if e[0] != kept.credit_code]
    assert first == second


def test_audit_chain_verifies_with_one_import_event_per_kind(loaded: str) -> None:
    run_demo()
    checked, broken = verify_chain()
    assert broken is None and checked > 0
    imports = AuditEvent.objects.filter(action=AuditAction.IMPORT)
    for model in COUNTS:
        assert imports.filter(object_type=model._meta.label_lower).count() == 2, model.__name__
    assert imports.filter(object_type="core.road").count() == 2


def test_refuses_to_replace_demo_rows_that_real_records_point_at(loaded: str) -> None:
    firm = Enterprise.objects.filter(is_demo=True).first()
    User.objects.create(username="real_officer", role=Role.ENTERPRISE_OFFICER, enterprise=firm)
    before = Enterprise.objects.count()
    with pytest.raises(CommandError, match="已被其他记录引用"):
        run_demo()
    assert Enterprise.objects.count() == before  # nothing half-replaced


def test_without_load_only_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(serve.Command, "handle", lambda self, *a, **o: served.update(o))
    call_command("demo", "--host", "0.0.0.0", "--port", "8123", "--no-simulator", "--no-ticks", stdout=StringIO())
    assert served["host"] == "0.0.0.0" and served["port"] == 8123


def test_serving_runs_every_periodic_tick_and_stops_them_with_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    started: list[list[str]] = []
    monkeypatch.setattr(serve.Command, "handle", lambda self, *a, **o: seen.append("serve"))
    monkeypatch.setattr(TickSupervisor, "start", lambda self: started.append([t.command for t in self.ticks]) or "定时")
    monkeypatch.setattr(TickSupervisor, "stop", lambda self, timeout=30.0: seen.append("ticks stopped"))
    call_command("demo", "--port", "8125", "--no-simulator", stdout=StringIO())
    assert {"monitoring_tick", "worksafety_tick", "prevention_tick", "command_tick"} <= set(started[0])
    assert seen == ["serve", "ticks stopped"]  # stopped once the server returns
    call_command("demo", "--port", "8125", "--no-simulator", "--no-ticks", stdout=StringIO())
    assert len(started) == 1


def test_the_ticks_run_once_each_in_the_demo_database(loaded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The test's transaction owns the connection: closing it (as the demo's thread does) would end the test.
    monkeypatch.setattr("yingji.core.ticks.close_old_connections", lambda: None)
    for tick in demo_ticks():
        run_command(tick)  # each command's run-once form exists and finishes (no endless loop)


def test_response_plans_and_village_population_estimates(loaded: str) -> None:
    plans = ResponsePlan.objects.filter(status="current")
    assert sorted(plans.values_list("code", flat=True)) == ["PS-YA-FX-01", "PS-YA-WH-01"]
    assert all(plan.actions.count() >= 5 and plan.groups.count() >= 4 for plan in plans)
    villages = AdminArea.objects.filter(level=5)
    assert villages.count() == 178 and not villages.filter(population__isnull=True).exists()
    assert set(villages.values_list("population_source", flat=True)) == {"演示估算（非统计数据）"}
    assert not villages.filter(transport_share__isnull=True).exists()
    assert all(0.10 <= s <= 0.45 for s in villages.values_list("transport_share", flat=True))
    assert "应急预案" in loaded
    # The demo plans' required resources pass the plan checks and are met or short in the demo registry.
    hazmat = plans.get(code="PS-YA-WH-01")
    assert check_requirements(hazmat.required_resources) == {}
    assert [r.get("label") for r in hazmat.required_resources][:2] == ["危化品救援队", "危险化学品专家"]
