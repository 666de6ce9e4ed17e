"""`yingji worksafety_tick [--every SECONDS]`: expire permits past their validity."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.worksafety.services import expire_due


class Command(BaseCommand):
    help = "将超过有效期的特殊作业票置为已过期"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒检查一次（0 = 只检查一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            expired = expire_due()
            self.stdout.write(f"作业票有效期检查完成：过期 {expired} 张")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
