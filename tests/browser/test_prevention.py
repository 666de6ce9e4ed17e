"""双重预防 in the browser: the hidden-danger closed loop by two people of one enterprise, the daily safety
commitment and the supervisor's view of it, and the four-colour risk layer on the one map."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yingji.core.roles import Role
from yingji.hazmat import services as hazmat
from yingji.prevention.models import Checkpoint, HiddenDanger, Subscription
from yingji.prevention.services import risks

from .conftest import screenshot, sign_in, wait_js
from .data import _user

pytestmark = pytest.mark.browser


def _paying(enterprise: Any) -> None:
    today = timezone.localdate()
    Subscription.objects.create(enterprise=enterprise, owner_department_id=enterprise.owner_department_id,
                                admin_area_id=enterprise.admin_area_id, seats=5, starts_on=today - dt.timedelta(30),
                                ends_on=today + dt.timedelta(300))


def test_hidden_danger_closed_loop(page: Any, context: Any, live_server: Any, data: Any) -> None:
    firm = data.enterprises[0]
    _paying(firm)
    owner = _user("jia_owner", Role.ENTERPRISE_OFFICER, enterprise=firm, full_name="甲公司班长张三")
    _user("jia_manager", Role.ENTERPRISE_OFFICER, enterprise=firm, full_name="甲公司安全经理李四")
    sign_in(page, live_server.url, owner.username)
    page.goto(f"{live_server.url}/prevention/hidden-dangers/")
    form = page.locator("[data-testid=danger-form]")
    form.locator("#d-title").fill("液氯罐区防火堤破损")
    form.locator("#d-desc").fill("3号罐东侧防火堤裂缝约1米")
    form.locator("#d-owner").select_option(label="甲公司班长张三")
    form.locator("#d-deadline").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    screenshot(page, "prevention_danger_report", full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/prevention/hidden-dangers/*/")
    assert page.locator("[data-testid=status]").inner_text() == "已上报"

    page.fill("#s-m", "切割修补防火堤并做闭水试验")
    page.click("[data-testid=next-step] button[type=submit]")
    page.fill("#s-n", "已修补，闭水试验合格")
    page.click("[data-testid=next-step] button[type=submit]")
    assert page.locator("[data-testid=status]").inner_text() == "待验收"
    # the owner may not accept their own rectification: the page says so and nothing changes
    page.click("button[value=accept]")
    assert "整改责任人以外" in page.locator("[data-testid=form-errors]").inner_text()
    screenshot(page, "prevention_danger_owner_refused", full_page=True)

    context.clear_cookies()
    url = page.url
    sign_in(page, live_server.url, "jia_manager")
    page.goto(url)
    page.fill("#s-a", "现场复核合格")
    page.click("button[value=accept]")
    assert page.locator("[data-testid=status]").inner_text() == "已验收（闭环）"
    steps = page.locator("[data-testid=steps] li").all_inner_texts()
    assert [s.split(" · ")[0] for s in steps] == ["上报", "开始整改", "提交验收", "验收通过"]
    assert page.locator(".flow li.current").inner_text() == "已验收（闭环）"
    screenshot(page, "prevention_danger_closed", full_page=True)
    assert HiddenDanger.objects.get().accepted_by.username == "jia_manager"


def test_daily_commitment(page: Any, context: Any, live_server: Any, data: Any) -> None:
    firm = data.enterprises[0]
    _paying(firm)
    unit = hazmat.create_unit({"enterprise": firm, "name": "液氯罐区", "kind": "storage",
                               "exposed_population": 120}, actor=data.admin)
    hazmat.replace_inventory(unit, [hazmat.InventoryRow("氯", 20)], actor=data.admin)
    _user("jia_safety", Role.ENTERPRISE_OFFICER, enterprise=firm, full_name="甲公司安全员")
    sign_in(page, live_server.url, "jia_safety")
    page.goto(f"{live_server.url}/prevention/commitment/")
    assert page.locator("[data-testid=today-state]").inner_text() == "未承诺"
    form = page.locator("[data-testid=commitment-form]")
    form.locator("#c-run").fill("3")
    form.locator("#c-sw").fill("1")
    form.locator("#c-hot").fill("2")  # more hot work than special work: refused with the reason
    form.locator("#c-p").fill("刘总经理")
    form.locator("button[type=submit]").click()
    assert "少于其中动火与受限空间作业之和" in page.locator("[data-testid=form-errors]").inner_text()
    page.locator("#c-hot").fill("1")
    page.locator("[data-testid=commitment-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=streak]")
    assert page.locator("[data-testid=today-state]").inner_text() == "已承诺"
    assert page.locator("[data-testid=streak] .count").inner_text() == "1"
    screenshot(page, "prevention_commitment_signed", full_page=True)

    context.clear_cookies()
    sign_in(page, live_server.url, data.officer.username)
    page.goto(f"{live_server.url}/prevention/commitment/")
    row = page.locator("[data-testid=commitment-status] tr", has_text=firm.name)
    assert "已承诺" in row.inner_text()
    screenshot(page, "prevention_commitment_supervisor", full_page=True)


def test_risk_map_layer(officer_page: Any, live_server: Any, data: Any) -> None:
    firm = data.enterprises[0]
    for name, factors in (("液氯泄漏", {"likelihood": 4, "severity": 5}), ("机泵密封泄漏", {"likelihood": 2,
                                                                                     "severity": 3})):
        risks.create_risk_point({"enterprise": firm, "unit_place": "罐区", "name": name, "hazard_description": "泄漏",
                                 "method": "ls", "responsible_person": "王工", **factors}, actor=data.admin)
    page = officer_page
    page.goto(f"{live_server.url}/map/#risk")
    wait_js(page, "window.yingjiMapReady === true && window.yingjiRiskReady === true")
    legend = page.locator("[data-testid=risk-legend]").inner_text()
    assert "重大风险 1" in legend and "一般风险 1" in legend
    assert page.locator("#risk-toggle").is_checked()
    screenshot(page, "prevention_risk_map")
    page.goto(f"{live_server.url}/prevention/")
    table = page.locator("[data-testid=county-table]").inner_text()
    assert firm.name in table
    screenshot(page, "prevention_county", full_page=True)
    page.click(f"text={firm.name}")
    page.wait_for_url("**/safety/enterprises/*/")
    assert "风险点（红/橙/黄/蓝）" in page.content()
    screenshot(page, "prevention_enterprise_dashboard", full_page=True)


def test_checkpoint_qr_sheet_and_scan(page: Any, live_server: Any, data: Any) -> None:
    firm = data.enterprises[1]
    _paying(firm)
    _user("yi_safety", Role.ENTERPRISE_OFFICER, enterprise=firm, full_name="乙公司巡检员")
    sign_in(page, live_server.url, "yi_safety")
    page.goto(f"{live_server.url}/prevention/checkpoints/")
    page.fill("#c-name", "1号罐组")
    page.fill("#c-loc", "罐区东侧")
    page.fill("#c-items", "液位计读数正常\n无泄漏")
    page.click("form:has(#c-name) button[type=submit]")
    assert "1号罐组" in page.locator("[data-testid=checkpoint-table]").inner_text()
    page.click("text=打印巡检点二维码")
    page.wait_for_url("**/prevention/checkpoints/qr/")
    wait_js(page, "[...document.querySelectorAll('.qr-sheet img')].every(i => i.complete && i.naturalWidth > 0)")
    screenshot(page, "prevention_qr_sheet")
    token = Checkpoint.objects.get(name="1号罐组").qr_token
    page.goto(f"{live_server.url}/prevention/scan/{token}/")  # what the phone opens from the QR code
    page.check("input[name=ok_1][value=no]")
    page.click("[data-testid=scan-form] button[type=submit]")
    assert "须说明情况" in page.locator("[data-testid=form-errors]").inner_text()
    page.check("input[name=ok_1][value=no]")
    page.fill("input[name=note_1]", "法兰渗漏")
    page.click("[data-testid=scan-form] button[type=submit]")
    page.wait_for_url("**/prevention/inspections/")
    assert "法兰渗漏" in page.content()
    screenshot(page, "prevention_inspections", full_page=True)
