"""特殊作业票 in the browser: an enterprise applies for hot work, each required approver signs in order, the gas
analysis is recorded, work starts and completes; the supervisor sees it on the map while it is under way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from yingji.core.models import User
from yingji.core.roles import Role
from yingji.monitoring import devices
from yingji.worksafety import rules
from yingji.worksafety.constants import ApproverRole, WorkType
from yingji.worksafety.models import Permit, PermitApprover, PermitStatus

from .conftest import screenshot, sign_in, wait_js
from .data import PASSWORD, BrowserData

pytestmark = pytest.mark.browser
SH = ZoneInfo("Asia/Shanghai")


def _enterprise_user(username: str, name: str, enterprise: Any, role: ApproverRole | None = None) -> User:
    user = User(username=username, role=Role.ENTERPRISE_OFFICER, full_name=name, enterprise=enterprise)
    user.set_password(PASSWORD)
    user.save()
    if role is not None:
        PermitApprover.objects.create(user=user, enterprise=enterprise, role=role)
    return user


def _switch(page: Any, base: str, user: User) -> None:
    page.context.clear_cookies()
    sign_in(page, base, user.username)


def test_hot_work_permit_flow(page: Any, live_server: Any, data: BrowserData) -> None:
    firm = data.enterprises[0]
    applicant = _enterprise_user("ent_safety", "陈安全员", firm)
    approvers = {role: _enterprise_user(f"ap_{role.value}", f"审批人{i}", firm, role)
                 for i, role in enumerate(ApproverRole, start=1)}
    devices.create_device_with_channels(
        {"code": "GAS-E203", "name": "便携式可燃气体检测仪", "device_type": "combustible_gas_detector",
         "enterprise_id": firm.pk},
        [{"metric": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100}], actor=applicant)
    base = live_server.url
    sign_in(page, base, applicant.username)

    page.goto(f"{base}/worksafety/permits/new/?type=hot_work")
    start = datetime.now(SH).replace(second=0, microsecond=0) - timedelta(minutes=5)
    page.select_option("#id_level", "1")
    page.fill("#id_place", "催化装置 E-203 出口管线")
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_content", "更换法兰并焊接")
    page.fill("#id_guardian", "赵监护")
    page.fill("#id_workers", "王焊工 T211122001\n刘焊工 T211122002")
    for box in page.locator("fieldset.checklist input[type=checkbox]").all():
        box.check()
    # the stateless rule check tells the applicant the level the work will be handled at, before saving
    page.wait_for_selector("[data-testid=effective-level]")
    assert page.locator("[data-testid=effective-level]").inner_text() in {"一级", "特级"}
    assert "基层单位（车间）负责人 → 安全管理部门" in page.locator("[data-testid=rule-check]").inner_text()
    screenshot(page, "worksafety_form", full_page=True)
    page.click("#permit-form button[type=submit]")
    page.wait_for_url("**/worksafety/permits/*/")
    permit = Permit.objects.get()
    page.click("button[data-step=submit]")
    assert page.locator("[data-testid=permit-status]").inner_text() == "待审批"

    permit.refresh_from_db()
    order = rules.required_approvals(WorkType.HOT_WORK, permit.level)  # 一级, or 特级 at night and on rest days
    for role in order:
        _switch(page, base, approvers[role])
        page.goto(f"{base}/worksafety/permits/{permit.pk}/")
        page.click("[data-testid=approve-form] button[type=submit]")
        page.wait_for_selector(".message")
    screenshot(page, "worksafety_approved", full_page=True)
    assert page.locator("[data-testid=permit-status]").inner_text() == "已审批"

    _switch(page, base, applicant)
    page.goto(f"{base}/worksafety/permits/{permit.pk}/")
    page.click("button[data-step=start]")  # no analysis yet: refused
    assert "须有合格的气体分析" in page.locator(".messages").inner_text()
    page.fill("#g_analyst", "孙分析")
    page.fill("#g_comb", "0.1")
    page.fill("#g_lel", "5")
    page.click("[data-testid=gas-form] button[type=submit]")
    assert "合格" in page.locator("[data-testid=gas-table]").inner_text()
    if permit.level == "special":  # raised at night or on a rest day: continuous monitoring and video first
        page.click("button[data-step=start]")
        assert "可燃气体连续监测" in page.locator(".messages").inner_text()
    page.check("[data-testid=site-watch-form] input[name=monitor_channels]")
    page.fill("#w_cam", "CAM-E203")
    page.fill("#w_url", "https://nvr.example/play/e203")
    page.click("[data-testid=site-watch-form] button[type=submit]")
    assert "GAS-E203/combustible_gas" in page.locator("[data-testid=monitor-readings]").inner_text()
    assert page.locator("[data-testid=video] a").get_attribute("href") == "https://nvr.example/play/e203"
    page.click("button[data-step=start]")
    assert page.locator("[data-testid=permit-status]").inner_text() == "作业中"
    screenshot(page, "worksafety_in_progress", full_page=True)

    _switch(page, base, data.officer)  # the emergency bureau sees the work on the map
    page.goto(f"{base}/map/")
    wait_js(page, "window.yingjiMapReady === true")
    assert page.locator("[data-count=special-work]").inner_text() == "1"
    screenshot(page, "worksafety_map")

    _switch(page, base, applicant)
    page.goto(f"{base}/worksafety/permits/{permit.pk}/")
    page.click("button[data-step=complete]")
    assert page.locator("[data-testid=permit-status]").inner_text() == "已完工"
    permit.refresh_from_db()
    assert permit.status == PermitStatus.COMPLETED and permit.approvals.count() == len(order)
    page.goto(f"{base}/worksafety/permits/{permit.pk}/print/")
    screenshot(page, "worksafety_print", full_page=True)
