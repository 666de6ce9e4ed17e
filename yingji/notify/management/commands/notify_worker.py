"""`yingji notify_worker`: send queued notifications with retries; `--once` sends what is due and exits."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.notify import worker


class Command(BaseCommand):
    help = "发送待发的通知（站内消息、Webhook、钉钉、企业微信、邮件、短信），失败按退避重试；--once 只发一轮"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="发送当前到期的通知后退出")
        parser.add_argument("--poll", type=float, default=2.0, help="无新通知时的轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def on_signal(*_: Any) -> None:
            stop.set()
            worker.wake()

        if not options["once"]:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, on_signal)
            self.stdout.write("通知发送进程已启动（Ctrl+C 停止）")
        report = worker.run(stop, poll_s=options["poll"], once=options["once"])
        self.stdout.write(f"已发送 {report.sent}，待重试 {report.failed}，已放弃 {report.dead}")
