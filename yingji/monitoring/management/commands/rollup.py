"""`yingji rollup [--every SECONDS]`: fold new readings into the 1-minute and 1-hour rollups."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.monitoring.rollups import roll_up


class Command(BaseCommand):
    help = "把新到的读数（含迟到的读数）汇总到分钟和小时汇总表"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒汇总一次（0 = 只汇总一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            run = roll_up()
            self.stdout.write(f"汇总完成：本次 {run.readings} 条读数，已汇总至读数编号 {run.through_id}")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
