# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""Checkpoints with QR codes, routes walked per period (missed rounds flagged by the tick), maintenance overdue
flags, and the daily safety commitment of major-hazard enterprises (once a day, streak, missing flagged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.integration.prevention_support import API, messages, paying, post  # noqa: F401 - fixture
from yingji.core.models import AuditEvent
from yingji.hazmat import services as hazmat
from yingji.prevention.constants import PreventionAudit
from yingji.prevention.models import CommitmentMiss, MissedRound, Route, SafetyCommitment
from yingji.prevention.services import operations
from yingji.prevention.services.inspections import flag_missed_rounds

ITEMS = ["液位计读数正常", "无泄漏"]


def _checkpoint(client: Any, name: str = "1号罐组") -> dict[str, Any]:
    response = post(client, "/checkpoints", {"name": name, "location": "罐区东侧", "check_items": ITEMS})
    assert response.status_code == 201, response.content
    return response.json()


def test_checkpoint_qr_scan_and_record(paying: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    point = _checkpoint(client)
    svg = client.get(f"{API}/checkpoints/{point['id']}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(f"{API}/checkpoints/scan", {"token": point["qr_token"]}).json()["id"] == point["id"]
    assert client_for(paying.officer_b).get(f"{API}/checkpoints/scan", {"token": point["qr_token"]}).status_code == 404
    missing = post(client, "/inspection-records", {"qr_token": point["qr_token"],
                                                   "results": [{"item": "无泄漏", "ok": True}]})
    assert "液位计读数正常" in messages(missing)["results"]
    unexplained = post(client, "/inspection-records", {"qr_token": point["qr_token"], "results": [
        {"item": "液位计读数正常", "ok": True}, {"item": "无泄漏", "ok": False}]})
    assert "须说明情况" in messages(unexplained)["results.1.note"]
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    late = post(client, "/inspection-records", {"checkpoint": point["id"], "checked_at": future, "results": []})
    assert "晚于当前时间" in messages(late)["checked_at"]
    record = post(client, "/inspection-records", {"qr_token": point["qr_token"], "results": [
        {"item": "液位计读数正常", "ok": True}, {"item": "无泄漏", "ok": False, "note": "法兰渗漏"}]})
    assert record.status_code == 201, record.content
    assert (record.json()["scanned"], record.json()["abnormal"]) == (True, True)


def test_missed_rounds_are_flagged_once_per_period(paying: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    a, b = _checkpoint(client, "1号罐组"), _checkpoint(client, "泵房")
    route = post(client, "/routes", {"name": "罐区日巡", "frequency": "day", "checkpoints": [a["id"], b["id"]]})
    assert route.status_code == 201, route.content
    assert [s["checkpoint_name"] for s in route.json()["stops"]] == ["1号罐组", "泵房"]
    # The route started three days ago at 10:00; day -2 both were visited, day -1 only 1号罐组.
    now = timezone.localtime()
    start = (now - dt.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    Route.objects.filter(pk=route.json()["id"]).update(active_since=start)
    for day, names in ((-2, ("1号罐组", "泵房")), (-1, ("1号罐组",))):
        at = (now + dt.timedelta(days=day)).replace(hour=9, minute=0)
        for point in (a, b):
            if point["name"] in names:
                done = post(client, "/inspection-records", {"checkpoint": point["id"], "checked_at": at.isoformat(),
                                                            "results": [{"item": i, "ok": True} for i in ITEMS]})
                assert done.status_code == 201, done.content
    assert flag_missed_rounds(now) == 1
    assert flag_missed_rounds(now) == 0
    [missed] = MissedRound.objects.all()
    assert missed.missing == ["泵房"]
    assert timezone.localtime(missed.period_start).date() == (now - dt.timedelta(days=1)).date()
    assert AuditEvent.objects.filter(action=PreventionAudit.ROUND_MISSED).count() == 1
    assert client.get(f"{API}/missed-rounds").json()[0]["missing"] == ["泵房"]
    assert client_for(paying.officer_b).get(f"{API}/missed-rounds").json() == []


def test_maintenance_overdue_flag(paying: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    today = timezone.localdate()
    body = {"equipment": "P-101 进料泵", "equipment_code": "P-101", "work": "更换机械密封", "performed_by": "张师傅"}
    old = post(client, "/maintenance", {**body, "performed_on": str(today - dt.timedelta(days=40)),
                                        "next_due": str(today - dt.timedelta(days=10))}).json()
    assert old["is_overdue"] is True
    reversed_dates = post(client, "/maintenance", {**body, "performed_on": str(today),
                                                   "next_due": str(today - dt.timedelta(days=1))})
    assert "须晚于维护日期" in messages(reversed_dates)["next_due"]
    post(client, "/maintenance", {**body, "performed_on": str(today), "next_due": str(today + dt.timedelta(days=30))})
    listed = {m["id"]: m["is_overdue"] for m in client.get(f"{API}/maintenance").json()["items"]}
    assert listed[old["id"]] is False  # superseded by the later maintenance of the same pump
    assert client.get(f"{API}/maintenance", {"overdue": "true"}).json()["count"] == 0


COMMIT = {"units_running": 3, "units_stopped": 1, "special_works_planned": 2, "hot_works_planned": 1,
          "confined_space_planned": 1, "risks_controlled": True, "statement": "今日各装置运行正常，风险受控",
          "principal": "刘总"}


def _major_hazard(enterprise: Any, actor: Any) -> None:
    unit = hazmat.create_unit({"enterprise": enterprise, "name": "液氯罐区", "kind": "storage",
                               "exposed_population": 120}, actor=actor)
    hazmat.replace_inventory(unit, [hazmat.InventoryRow("氯", 20)], actor=actor)


def test_daily_commitment_once_a_day_with_streak(paying: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    wrong = post(client, "/commitments", {**COMMIT, "special_works_planned": 1})
    assert "少于其中动火与受限空间" in messages(wrong)["special_works_planned"]
    today = timezone.localdate()
    for n in (1, 2):  # yesterday and the day before were committed
        SafetyCommitment.objects.create(enterprise=enterprise_a, day=today - dt.timedelta(days=n), units_running=3,
                                        risks_controlled=True, statement="…", principal="刘总",
                                        signed_by=paying.officer_a, signed_at=timezone.now())
    signed = post(client, "/commitments", COMMIT)
    assert signed.status_code == 201, signed.content
    assert (signed.json()["day"], signed.json()["streak"]) == (str(today), 3)
    again = post(client, "/commitments", COMMIT)
    assert again.status_code == 422 and "每天一份" in messages(again)["day"]


def test_missing_commitments_of_major_hazard_enterprises_are_flagged(paying: Any, enterprise_a: Any,
                                                                     enterprise_b: Any) -> None:
    _major_hazard(enterprise_a, paying.admin)  # B has no major hazard: it need not commit
    type(enterprise_a).objects.filter(pk=enterprise_a.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30))
    now = timezone.localtime().replace(hour=10)  # after the 09:00 due hour
    today = now.date()
    SafetyCommitment.objects.create(enterprise=enterprise_a, day=today - dt.timedelta(days=1), units_running=1,
                                    risks_controlled=True, statement="…", principal="刘总",
                                    signed_by=paying.officer_a, signed_at=timezone.now())
    flagged = operations.flag_missing_commitments(now)
    days = set(CommitmentMiss.objects.values_list("day", flat=True))
    assert flagged == 6 and today in days and today - dt.timedelta(days=1) not in days  # 7 days looked at
    assert set(CommitmentMiss.objects.values_list("enterprise", flat=True)) == {enterprise_a.pk}
    assert operations.flag_missing_commitments(now) == 0
    early = now.replace(hour=8)  # before the due hour today is not yet missing
    CommitmentMiss.objects.all().delete()
    operations.flag_missing_commitments(early)
    assert today not in set(CommitmentMiss.objects.values_list("day", flat=True))
