"""`yingji monitoring_tick [--every SECONDS]`: offline detection, escalation of overdue alarms, rollups, and once a
day the retention policy."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.monitoring.escalation import escalate_overdue
from yingji.monitoring.evaluation import tick
from yingji.monitoring.retention import apply_retention
from yingji.monitoring.rollups import roll_up

RETENTION_EVERY_S = 24 * 3600


class Command(BaseCommand):
    help = "检查设备离线、将超过确认时限的报警上报监管部门、汇总新读数，每天按保存期限清理一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒检查一次（0 = 只检查一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        retention_due = time.monotonic()  # at start, then daily
        while True:
            raised = tick()
            self.stdout.write(f"离线检查完成：新增离线报警 {raised} 条")
            overdue = escalate_overdue()
            self.stdout.write(f"超时检查完成：上报监管部门 {overdue} 条")
            run = roll_up()
            self.stdout.write(f"汇总完成：本次 {run.readings} 条读数")
            if time.monotonic() >= retention_due:
                kept = apply_retention()
                self.stdout.write(kept.summary)
                retention_due = time.monotonic() + RETENTION_EVERY_S
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
