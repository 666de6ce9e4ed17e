"""Playwright fixtures for the browser tests: Debian's Chromium, a 1024×768 tablet viewport, signed-in pages.

Never runs `playwright install`: the system Chromium at /usr/bin/chromium is used. Without it the tests
skip locally and fail in CI (CI=true), so a missing browser is never mistaken for a pass there.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Error as PlaywrightError

from yingji.asgi import application

from .data import PASSWORD, BrowserData, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1024, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser(django_db_setup: Any) -> Iterator[Any]:
    """One Chromium for the session, started after the test database exists (its event loop would
    otherwise trip Django's async-safety guard while the database is being created)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - started only when a browser exists

    # Playwright's sync API keeps an event loop in this thread for as long as the browser lives; the ORM
    # calls the tests (and pytest-django's flush) make meanwhile are still synchronous, so Django's
    # async-safety guard must stand aside until the browser is closed.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def data(transactional_db: Any) -> BrowserData:
    return seed()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True, has_touch=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def wait_js(page: Any, expression: str, timeout: float = 20.0) -> Any:
    """Poll a JS expression until truthy. (page.wait_for_function evaluates a string, which our CSP forbids.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(expression)
        except PlaywrightError as exc:  # the page navigated (e.g. reloaded) while we asked; ask again
            if "context was destroyed" not in str(exc):
                raise
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {expression!r}")


def sign_in(page: Any, base_url: str, username: str, *, totp_secret: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    if totp_secret:
        page.wait_for_url("**/accounts/second-factor/")
        page.fill("#id_code", pyotp.TOTP(totp_secret).now())
        page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)


@pytest.fixture
def officer_page(page: Any, live_server: Any, data: BrowserData) -> Any:
    sign_in(page, live_server.url, data.officer.username)
    return page


@pytest.fixture
def asgi_url(data: BrowserData, context: Any) -> Iterator[str]:
    """The app served by uvicorn (ASGI) in a thread, for pages that use the live event stream.

    Django's WSGI live_server cannot serve the SSE endpoint (an async iterator would be read to its end before
    anything is sent), so pages that listen to /api/v1/events/stream are tested against ASGI. Events published
    by the test thread reach it through the same in-process bus. The browser is closed before the server so
    no open stream outlives the test database.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise AssertionError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    context.close()
    server.should_exit = True
    thread.join(timeout=10)
