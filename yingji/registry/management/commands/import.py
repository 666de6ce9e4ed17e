"""`yingji import <kind> FILE`: import a CSV/xlsx into the registry with a progress bar."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from yingji.core.models import User
from yingji.registry.importing import import_file
from yingji.registry.resources import SPECS, spec_for


class Command(BaseCommand):
    help = "从 CSV（UTF-8/GBK）或 Excel 导入登记数据；默认先校验，全部有效才写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[s.slug for s in SPECS])
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="以哪个用户的身份和权限范围导入")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--valid-rows-only", action="store_true", help="有错误时仍导入有效行")
        parser.add_argument("--sheet", default=None, help="Excel 工作表名称")
        parser.add_argument("--crs", default="wgs84", choices=["wgs84", "gcj02"], help="经纬度坐标系")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = spec_for(options["kind"])
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if spec is None or actor is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        bars: dict[str, tqdm] = {}

        def progress(phase: str, rows: int) -> None:
            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(desc="校验" if phase == "validate" else "写入", unit="行", leave=True)
            bar.update(rows - bar.n)

        with path.open("rb") as upload:
            outcome = import_file(
                spec, upload, path.name, actor=actor, dry_run=options["dry_run"],
                valid_rows_only=options["valid_rows_only"], sheet=options["sheet"], crs=options["crs"],
                progress=progress,
            )
        for bar in bars.values():
            bar.close()
        for error in outcome.errors[:50]:
            self.stderr.write(f"第 {error['row']} 行 [{error['column']}] “{error['value']}”：{error['reason']}")
        if len(outcome.errors) > 50:
            self.stderr.write(f"……另有 {outcome.error_count - 50} 处错误")
        if outcome.error_count and not outcome.written:
            raise CommandError(outcome.message)
        self.stdout.write(self.style.SUCCESS(outcome.message))
