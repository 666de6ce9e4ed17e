"""Signing in: a department officer with a password, administrators with a TOTP second factor."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from .conftest import PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_department_officer_signs_in_and_sees_the_platform(page: Any, live_server: Any, data: Any) -> None:
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("h1").inner_text() == "盘山县智慧应急管理平台"
    screenshot(page, "login")

    page.fill("#id_username", data.officer.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".notice.error").is_visible()

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    bar = page.locator("header.topbar")
    assert "盘山县智慧应急管理平台" in bar.inner_text()
    assert page.locator(".role-badge").inner_text() == "部门人员"
    for part in ("指挥中心", "大数据中心", "鹰眼", "智慧应用"):
        assert page.get_by_text(part, exact=True).first.is_visible()


def test_administrator_needs_the_totp_code(page: Any, live_server: Any, data: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", data.admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/second-factor/")
    page.fill("#id_code", "000000" if pyotp.TOTP(data.admin.totp_secret).now() != "000000" else "111111")
    page.click("button[type=submit]")
    assert page.locator(".notice.error").is_visible()
    screenshot(page, "second_factor_error")

    page.fill("#id_code", pyotp.TOTP(data.admin.totp_secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".role-badge").inner_text() == "县级管理员"
    # Administrators may read the audit log; their sign-in is in it.
    page.goto(f"{live_server.url}/audit/?action=login")
    assert page.locator("table.data tbody tr").count() >= 1
    assert data.admin.full_name in page.locator("table.data").inner_text()
    screenshot(page, "audit_log")


def test_new_administrator_enrols_with_the_qr_code(page: Any, live_server: Any, data: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", data.new_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/second-factor/")
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    screenshot(page, "second_factor_enrol")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    data.new_admin.refresh_from_db()
    assert data.new_admin.totp_confirmed


def test_language_switch_and_logout(page: Any, live_server: Any, data: Any) -> None:
    sign_in(page, live_server.url, data.officer.username)
    page.goto(f"{live_server.url}/registry/")
    page.click("header .usermenu summary")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Emergency" in (page.locator("header .brand").get_attribute("title") or "")
    assert page.locator("header .usermenu summary").is_visible()
    assert page.get_by_text("Big Data Centre", exact=True).first.is_visible()
    screenshot(page, "overview_en")
    page.click("header .usermenu summary")
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("header .brand-name").inner_text() == "盘山县智慧应急管理平台"
    page.click("header .usermenu summary")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
