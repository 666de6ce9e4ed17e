"""Hazmat in the browser: searching the chemical catalogue, and a transfer the receiver sees and confirms."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from yingji.core.roles import Role
from yingji.hazmat import ledger_services
from yingji.hazmat.models import Movement, MovementStatus

from .conftest import screenshot, sign_in
from .data import _user

pytestmark = pytest.mark.browser


def test_catalogue_search_by_un_number(officer_page: Any, live_server: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/hazmat/chemicals/")
    page.fill("#q", "1017")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**q=1017**")
    rows = page.locator("[data-testid=chemicals] tbody tr")
    assert rows.count() == 1
    assert "氯" in rows.first.inner_text() and "液氯" in rows.first.inner_text()
    assert "0.5 / 2.0 / 20.0" in rows.first.inner_text()  # AEGL-1/2/3, ppm
    screenshot(page, "hazmat_catalogue_search", full_page=True)


def test_transfer_seen_and_confirmed_by_the_receiver(browser: Any, page: Any, live_server: Any, data: Any) -> None:
    sender, receiver = data.enterprises[0], data.enterprises[1]
    ledger_services.record_qualification({"enterprise_id": receiver.pk, "kind": "operation", "number": "辽危化经 0001",
                                          "valid_from": date(2026, 1, 1), "valid_until": date(2028, 12, 31)},
                                         actor=data.admin)
    _user("jia_officer", Role.ENTERPRISE_OFFICER, enterprise=sender, full_name="甲安全员")
    _user("yi_officer", Role.ENTERPRISE_OFFICER, enterprise=receiver, full_name="乙安全员")

    sign_in(page, live_server.url, "jia_officer")
    page.goto(f"{live_server.url}/hazmat/ledger/")
    form = page.locator("[data-testid=movement-form]")
    form.locator("#kind").select_option("transfer_out")
    form.locator("#chemical").fill("液氯")
    form.locator("#quantity").fill("12")
    form.locator("#occurred_at").fill("2026-11-20T09:00")
    form.locator("#lot_number").fill("")
    form.locator("#counterpart_credit_code").fill(receiver.credit_code)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".message.success")
    assert "已登记" in page.locator(".messages").inner_text()
    assert "盘山县乙化工有限公司" in page.locator("[data-testid=movements]").inner_text()
    screenshot(page, "hazmat_ledger_transfer_sent", full_page=True)

    other = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", has_touch=True)
    receiver_page = other.new_page()
    sign_in(receiver_page, live_server.url, "yi_officer")
    receiver_page.goto(f"{live_server.url}/hazmat/ledger/")
    pending = receiver_page.locator("[data-testid=pending]")
    assert "盘山县甲化工有限公司" in pending.inner_text() and "12" in pending.inner_text()
    screenshot(receiver_page, "hazmat_ledger_transfer_pending", full_page=True)
    pending.locator("button[value=confirm]").click()
    receiver_page.wait_for_selector(".message.success")
    assert "已确认接收" in receiver_page.locator(".messages").inner_text()
    assert Movement.objects.get(enterprise=receiver).status == MovementStatus.CONFIRMED
    assert receiver_page.locator("[data-testid=stock] tbody").inner_text().count("12") >= 1
    screenshot(receiver_page, "hazmat_ledger_transfer_confirmed", full_page=True)
    other.close()
