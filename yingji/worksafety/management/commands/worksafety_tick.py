"""`yingji worksafety_tick [--every SECONDS]`: expire permits past their validity; stop work whose gas analysis
went stale (confined space every 2 h, hot work daily) or with an alarm active on a channel it names."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.worksafety.services import expire_due, suspend_overdue_analyses
from yingji.worksafety.watch_services import suspend_for_active_alarms


class Command(BaseCommand):
    help = ("将超过有效期的特殊作业票置为已过期；气体分析过期（受限空间 2 小时、动火每日）"
            "或关联监测通道报警的作业自动暂停")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒检查一次（0 = 只检查一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            expired = expire_due()
            self.stdout.write(f"作业票有效期检查完成：过期 {expired} 张")
            stopped = suspend_overdue_analyses()
            self.stdout.write(f"气体分析时效检查完成：暂停作业 {stopped} 项")
            alarmed = suspend_for_active_alarms()
            self.stdout.write(f"连续监测报警检查完成：暂停作业 {alarmed} 项")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
