"""The delivery worker: sends what is due, woken at once after a notice commits, else every few seconds.

`yingji notify_worker` runs it in the foreground; `yingji demo` runs it in a daemon thread beside the
server. Several workers (processes or threads) may run at once: `sending.claim` keeps them apart.
"""

from __future__ import annotations

import logging
import threading
import uuid

from django.db import DatabaseError, close_old_connections, connection

from .constants import WORKER_POLL_S
from .sending import SendReport, send_due

log = logging.getLogger("yingji.notify")
_wakeup = threading.Event()


def wake() -> None:
    """Tell a worker in this process that something was queued (registered with transaction.on_commit)."""
    _wakeup.set()


def _fresh_connections() -> None:
    """Drop stale connections between rounds, unless a caller's transaction owns this one (tests, --once)."""
    if not connection.in_atomic_block:
        close_old_connections()


def run(stop: threading.Event, *, poll_s: float = WORKER_POLL_S, once: bool = False) -> SendReport:
    """Send due deliveries until `stop` is set (or one round with `once`); the totals."""
    token = f"worker-{uuid.uuid4().hex[:12]}"
    total = SendReport()
    while not stop.is_set():
        _wakeup.clear()
        _fresh_connections()
        try:
            report = send_due(worker=token)
        except DatabaseError:
            # A locked or restarting database: log it and try again on the next round, never die.
            log.exception("通知投递轮次失败，稍后重试")
            report = SendReport()
        total.sent, total.failed, total.dead = (total.sent + report.sent, total.failed + report.failed,
                                                total.dead + report.dead)
        if once:
            break
        _wakeup.wait(poll_s)
    _fresh_connections()
    return total


def start_in_background(server_url: str) -> str:
    """`yingji demo`: run the worker in a daemon thread; one line for the console."""
    thread = threading.Thread(target=run, args=(threading.Event(),), name="notify-worker", daemon=True)
    thread.start()
    return "消息通知：发送进程已在后台运行（站内消息、Webhook、钉钉、企业微信、邮件、短信）"
