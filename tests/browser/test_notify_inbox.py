"""The inbox page as an officer uses it: the unread badge in the navigation, the list, mark read."""

from __future__ import annotations

from typing import Any

from yingji.notify import sending, services
from yingji.notify.services import Notice, RecipientSpec

from .conftest import screenshot, wait_js
from .data import BrowserData


def deliver(data: BrowserData, titles: list[str]) -> None:
    inapp = services.create_channel({"name": "应急局站内消息", "kind": "inapp", "owner_department": data.emergency},
                                    [RecipientSpec(user=data.officer.pk)], actor=data.admin)
    services.create_rule({"name": "全部通知"}, [inapp.pk], actor=data.admin)
    for i, title in enumerate(titles):
        services.notify(Notice(domain="monitoring", kind="raised", level=2 + i % 2, title=title,
                               body="可燃气体浓度 30 %LEL，请立即处置", link="/notify/inbox/",
                               source_key=f"monitoring.alarm:{i}:H"))
    assert sending.send_due().sent == len(titles)


def test_inbox_badge_list_and_mark_read(officer_page: Any, live_server: Any, data: BrowserData) -> None:
    page = officer_page
    deliver(data, ["甲化工 T-101 可燃气体高报", "乙化工 储罐液位高高报", "丁物流 充电桩温度高报"])
    page.goto(f"{live_server.url}/notify/inbox/")
    badge = page.locator("#inbox-badge")
    assert badge.is_visible() and badge.inner_text() == "3"
    rows = page.locator("#inbox tbody tr.unread")
    assert rows.count() == 3 and "丁物流 充电桩温度高报" in rows.first.inner_text()  # newest first
    screenshot(page, "notify-inbox")

    rows.first.locator("button").click()
    page.wait_for_url("**/notify/inbox/")
    assert page.locator("#inbox tbody tr.unread").count() == 2 and badge.inner_text() == "2"
    page.click("#mark-all-read")
    page.wait_for_url("**/notify/inbox/")
    assert page.locator("#inbox tbody tr.unread").count() == 0 and not badge.is_visible()

    # a new notice while the page is open: the badge catches up when the tab comes back into view
    services.notify(Notice(domain="command", kind="raised", level=4, title="较大事故：启动应急响应",
                           source_key="command.incident:9:raised"))
    sending.send_due()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    wait_js(page, "document.getElementById('inbox-badge').textContent === '1'")
    assert badge.is_visible()
    screenshot(page, "notify-inbox-badge")


def test_delivery_log_page_filters_by_status(officer_page: Any, live_server: Any, data: BrowserData) -> None:
    page = officer_page  # the channel belongs to the officer's department, so its log is theirs to read
    deliver(data, ["甲化工 T-101 可燃气体高报", "乙化工 储罐液位高高报"])
    page.goto(f"{live_server.url}/notify/inbox/")
    page.click("text=发送记录")
    page.wait_for_url("**/notify/deliveries/")
    assert page.locator("#deliveries tbody tr[data-status=sent]").count() == 2
    page.select_option("#f-status", "dead")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=dead**")
    assert page.locator("#deliveries tbody tr[data-status]").count() == 0
    screenshot(page, "notify-deliveries")
