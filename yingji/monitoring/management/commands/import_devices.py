"""`yingji import_devices FILE --user U`: devices and channels from an instrument list, one row per channel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core.models import User
from yingji.monitoring.device_import import import_devices


class Command(BaseCommand):
    help = "从仪表清单（CSV UTF-8/GBK 或 Excel，每行一个通道）导入监测设备和通道；默认全部有效才写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="以哪个用户的身份和权限范围导入")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--valid-rows-only", action="store_true", help="有错误时仍导入有效行")
        parser.add_argument("--sheet", default=None, help="Excel 工作表名称")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        with path.open("rb") as upload:
            outcome = import_devices(upload, path.name, actor=actor, dry_run=options["dry_run"],
                                     valid_rows_only=options["valid_rows_only"], sheet=options["sheet"])
        for error in outcome.errors[:50]:
            self.stderr.write(f"第 {error['row']} 行 [{error['column']}] “{error['value']}”：{error['reason']}")
        if outcome.error_count and not outcome.written and not options["dry_run"]:
            raise CommandError(outcome.message)
        self.stdout.write(self.style.SUCCESS(outcome.message))
