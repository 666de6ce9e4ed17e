"""`yingji command_tick [--once] [--every 15]`: release drill injects whose time has come."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.command.assessment import release_due_injects


class Command(BaseCommand):
    help = "演练注入：按脚本时间把注入信息写入演练时间线"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一次")
        parser.add_argument("--every", type=float, default=15.0, help="循环间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            released = release_due_injects()
            if released:
                self.stdout.write(f"注入 {released} 条演练信息")
            if options["once"]:
                return
            time.sleep(options["every"])
