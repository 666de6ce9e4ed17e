# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""Government checks with enforcement orders (deadlines, follow-up, closure), and the prevention_tick command."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from tests.integration.prevention_support import API, days, messages, paying, post, today  # noqa: F401
from yingji.core.models import AuditEvent
from yingji.prevention.constants import PreventionAudit


def _check_body(enterprise: Any, **extra: Any) -> dict[str, Any]:
    return {"enterprise": enterprise.pk, "mode": "remote", "checked_on": str(today()),
            "findings": "视频监控 2 路离线", "orders": [{"content": "限期恢复视频监控", "deadline": str(days(5))}],
            **extra}


def test_orders_are_followed_up_then_closed_with_the_check(paying: Any, enterprise_a: Any,
                                                           client_for: Any) -> None:
    government = client_for(paying.emergency_officer)
    refused = post(client_for(paying.officer_a), "/checks", _check_body(enterprise_a))
    assert refused.status_code == 403 and "政府监管人员" in refused.json()["detail"]
    early = post(government, "/checks", _check_body(enterprise_a, orders=[{"content": "整改", "deadline":
                                                                           str(days(-1))}]))
    assert early.status_code == 422 and "早于检查日期" in messages(early)["orders.0.deadline"]
    created = post(government, "/checks", _check_body(enterprise_a))
    assert created.status_code == 201, created.content
    check = created.json()
    [order] = check["orders"]
    assert (order["status"], check["closed_at"]) == ("issued", None)
    too_soon = post(government, f"/orders/{order['id']}/close", {"note": "已整改"})
    assert too_soon.status_code == 422 and "须先跟踪复查" in messages(too_soon)["status"]
    followed = post(government, f"/orders/{order['id']}/follow-up", {"note": "已恢复 1 路"})
    assert followed.json()["status"] == "following_up" and "已恢复 1 路" in followed.json()["follow_up"]
    closed = post(government, f"/orders/{order['id']}/close", {"note": "全部恢复"})
    assert closed.json()["status"] == "closed"
    assert government.get(f"{API}/checks/{check['id']}").json()["closed_at"] is not None
    assert AuditEvent.objects.filter(action=PreventionAudit.ORDER_CLOSED).count() == 1
    again = post(government, f"/orders/{order['id']}/follow-up", {"note": "x"})
    assert again.status_code == 422 and "已办结" in messages(again)["status"]
    # the enterprise reads its checks and orders but may not act on them
    officer = client_for(paying.officer_a)
    assert [o["id"] for o in officer.get(f"{API}/orders").json()] == [order["id"]]
    acting = post(officer, f"/orders/{order['id']}/follow-up", {"note": "x"})
    assert acting.status_code == 403 and "政府监管人员" in acting.json()["detail"]


def test_prevention_tick_command(paying: Any) -> None:
    out = StringIO()
    call_command("prevention_tick", stdout=out)
    assert "双重预防检查完成：逾期升级隐患 0 条，漏检 0 次，未按时承诺 0 家次，暂停订阅 0 个" in out.getvalue()
