# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""The prevention pages render for an enterprise officer and a supervisor, post through the services, and the
per-enterprise safety dashboard gathers facts from hazmat, monitoring and prevention; subscriptions gate
enterprise writes with a clear message while government users keep working."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.integration.prevention_support import API, danger_body, days, manager_a, paying, post, subscribe, today  # noqa: F401
from yingji.core.models import AuditEvent
from yingji.dashboard import safety
from yingji.hazmat import services as hazmat
from yingji.prevention import subscriptions
from yingji.prevention.constants import PreventionAudit
from yingji.prevention.models import HiddenDanger, RiskPoint, Subscription
from yingji.prevention.services.tick import tick

PAGES = ["county", "risk_points", "hidden_dangers", "checkpoints", "qr_sheet", "inspections", "maintenance",
         "commitment", "supervision", "subscriptions"]


@pytest.mark.parametrize("who", ["officer_a", "emergency_officer", "admin"])
def test_every_page_renders(who: str, paying: Any, client_for: Any) -> None:
    client = client_for(getattr(paying, who))
    for name in PAGES:
        response = client.get(reverse(f"prevention:{name}"))
        assert response.status_code == 200, (who, name)
        assert "双重预防" in response.content.decode() or name == "qr_sheet"


def test_the_rectification_loop_through_the_pages(paying: Any, manager_a: Any, client_for: Any) -> None:
    owner = client_for(paying.officer_a)
    response = owner.post(reverse("prevention:hidden_dangers"), {
        "title": "泵房可燃气体报警器失效", "description": "2号报警器无响应", "level": "general",
        "source": "self_inspection", "found_on": str(today()), "owner": paying.officer_a.pk,
        "deadline": str(days(3))})
    danger = HiddenDanger.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("prevention:hidden_danger",
                                                                           args=[danger.pk])
    page = reverse("prevention:hidden_danger", args=[danger.pk])
    owner.post(page, {"action": "start", "measures": "更换探头", "funds_yuan": "3000"})
    owner.post(page, {"action": "submit", "note": "已更换并标定"})
    refused = owner.post(page, {"action": "accept"})
    assert "整改责任人以外" in refused.content.decode()
    client_for(manager_a).post(page, {"action": "accept", "note": "标定合格"})
    danger.refresh_from_db()
    assert danger.status == "accepted" and danger.accepted_by == manager_a


def test_risk_point_form_shows_factor_errors(paying: Any, client_for: Any) -> None:
    response = client_for(paying.officer_a).post(reverse("prevention:risk_points"), {
        "unit_place": "罐区", "name": "泄漏", "hazard_description": "泄漏", "method": "lec", "likelihood": "-1",
        "exposure": "6", "consequence": "7", "responsible_person": "王工"})
    assert response.status_code == 200
    assert "不能为负数" in response.content.decode()
    assert not RiskPoint.objects.exists()


def test_unpaid_enterprise_cannot_write_but_government_can(paying: Any, enterprise_a: Any,
                                                           client_for: Any) -> None:
    Subscription.objects.filter(enterprise=enterprise_a).update(state="unpaid")
    assert tick().suspended == 1
    assert AuditEvent.objects.filter(action=PreventionAudit.SUBSCRIPTION_STATE).count() == 1
    assert subscriptions.may_write(enterprise_a) is False
    officer = client_for(paying.officer_a)
    refused = post(officer, "/hidden-dangers", danger_body(paying.officer_a))
    assert refused.status_code == 403
    assert "写入权限已暂停" in refused.json()["detail"] and "已暂停" in refused.json()["detail"]
    assert officer.get(f"{API}/hidden-dangers").status_code == 200  # reads go on
    government = post(client_for(paying.emergency_officer), "/hidden-dangers",
                      danger_body(paying.officer_a, enterprise=enterprise_a.pk, source="government_check"))
    assert government.status_code == 201, government.content
    subscription = Subscription.objects.get(enterprise=enterprise_a)
    restored = client_for(paying.admin).patch(f"{API}/subscriptions/{subscription.pk}", {"state": "active"},
                                              content_type="application/json")
    assert restored.json()["may_write"] is True
    assert post(officer, "/hidden-dangers", danger_body(paying.officer_a)).status_code == 201


def test_expired_and_never_subscribed(people: Any, enterprise_a: Any, enterprise_b: Any, client_for: Any) -> None:
    subscribe(enterprise_a, start=-400, end=-35)
    expired = subscriptions.refusal(enterprise_a) or ""
    assert "已于" in expired and "到期" in expired
    assert "尚未开通" in (subscriptions.refusal(enterprise_b) or "")
    refused = post(client_for(people.officer_a), "/risk-points", {
        "unit_place": "罐区", "name": "泄漏", "hazard_description": "泄漏", "method": "ls", "likelihood": 2,
        "severity": 2, "responsible_person": "王工"})
    assert refused.status_code == 403 and "到期" in refused.json()["detail"]
    officer_can_not_subscribe = post(client_for(people.officer_a), "/subscriptions", {
        "enterprise": enterprise_a.pk, "seats": 5, "starts_on": str(today()), "ends_on": str(days(365))})
    assert officer_can_not_subscribe.status_code == 403


def test_enterprise_safety_dashboard_collects_facts_from_each_app(paying: Any, enterprise_a: Any,
                                                                  client_for: Any) -> None:
    unit = hazmat.create_unit({"enterprise": enterprise_a, "name": "液氯罐区", "kind": "storage",
                               "exposed_population": 120}, actor=paying.admin)
    hazmat.replace_inventory(unit, [hazmat.InventoryRow("氯", 20)], actor=paying.admin)  # R 32 → 三级
    post(client_for(paying.officer_a), "/hidden-dangers", danger_body(paying.officer_a, level="major"))
    sections = {s.app_label: {f.key: f for f in s.facts} for s in safety.collect(enterprise_a)}
    assert set(sections) >= {"hazmat", "monitoring", "prevention"}
    assert sections["hazmat"]["hazmat.grade"].value == "三级重大危险源"
    assert sections["monitoring"]["monitoring.alarms"].value == "0 条（待确认 0 条）"
    assert sections["prevention"]["prevention.hidden_dangers"].value == "1 项（重大 1 项，逾期 0 项）"
    assert sections["prevention"]["prevention.commitment"].value == "0 天"
    page = client_for(paying.emergency_officer).get(reverse("dashboard:enterprise_safety", args=[enterprise_a.pk]))
    assert page.status_code == 200 and "三级重大危险源" in page.content.decode()
    other = client_for(paying.officer_b).get(reverse("dashboard:enterprise_safety", args=[enterprise_a.pk]))
    assert other.status_code == 404
