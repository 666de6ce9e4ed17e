"""`yingji monitoring_tick [--every SECONDS]`: offline detection, then escalation of overdue alarms."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.monitoring.escalation import escalate_overdue
from yingji.monitoring.evaluation import tick


class Command(BaseCommand):
    help = "检查各通道是否超时未上报数据（产生设备离线报警），并将超过确认时限的报警上报监管部门"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒检查一次（0 = 只检查一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            raised = tick()
            self.stdout.write(f"离线检查完成：新增离线报警 {raised} 条")
            overdue = escalate_overdue()
            self.stdout.write(f"超时检查完成：上报监管部门 {overdue} 条")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
