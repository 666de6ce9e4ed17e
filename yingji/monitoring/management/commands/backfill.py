"""`yingji backfill FILE --device CODE`: store a device's historical readings from CSV/Excel, then roll them up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core.models import User
from yingji.monitoring.backfill import backfill
from yingji.monitoring.models import Device
from yingji.monitoring.rollups import roll_up


class Command(BaseCommand):
    help = "从 CSV（UTF-8/GBK）或 Excel 补录一台设备的历史读数（列：通道、时间、数值）；默认全部有效才写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--device", required=True, help="设备编码")
        parser.add_argument("--user", default=None, help="以哪个用户的身份和权限范围补录（审计记录此人）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--valid-rows-only", action="store_true", help="有错误时仍写入有效行")
        parser.add_argument("--sheet", default=None, help="Excel 工作表名称")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        devices = Device.objects.all()
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户 {options['user']} 不存在或已停用")
            devices = Device.objects.writable_by(actor)  # type: ignore[attr-defined]
        device = devices.filter(code=options["device"]).first()
        if device is None:
            raise CommandError(f"设备 {options['device']} 不存在或不在该用户的数据权限范围内")
        with path.open("rb") as upload:
            outcome = backfill(upload, path.name, device, actor=actor, dry_run=options["dry_run"],
                               valid_rows_only=options["valid_rows_only"], sheet=options["sheet"])
        for error in outcome.errors[:50]:
            self.stderr.write(f"第 {error['row']} 行 [{error['column']}] “{error['value']}”：{error['reason']}")
        if len(outcome.errors) > 50:
            self.stderr.write(f"……另有 {outcome.error_count - 50} 处错误")
        if outcome.error_count and not outcome.written and not options["dry_run"]:
            raise CommandError(outcome.message)
        self.stdout.write(self.style.SUCCESS(outcome.message))
        if outcome.written:
            run = roll_up()
            self.stdout.write(f"汇总完成：本次 {run.readings} 条读数")
