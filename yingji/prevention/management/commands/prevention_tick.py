"""`yingji prevention_tick [--every SECONDS]`: escalate overdue hidden dangers, flag missed rounds and commitments."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.prevention.services.tick import tick


class Command(BaseCommand):
    help = "双重预防定时检查：隐患逾期升级、漏检、未按时安全承诺、欠费暂停"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒检查一次（0 = 只检查一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = tick()
            self.stdout.write(f"双重预防检查完成：逾期升级隐患 {result.escalated} 条，漏检 {result.missed_rounds} 次，"
                              f"未按时承诺 {result.missing_commitments} 家次，暂停订阅 {result.suspended} 个")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
