"""`yingji load_areas`: load Panshan's admin hierarchy; `--boundary FILE --crs gcj02` replaces a boundary."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core.areas import load_panshan_areas, set_area_boundary
from yingji.core.models import AdminArea


class Command(BaseCommand):
    help = "载入盘山县行政区划（14 个乡镇级单位、178 个村/社区），或替换某区划的边界"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--boundary", type=Path, help="GeoJSON 文件（Feature、FeatureCollection 或几何）")
        parser.add_argument("--code", default="211122", help="要替换边界的区划代码")
        parser.add_argument("--crs", default="wgs84", help="文件坐标系：wgs84 / cgcs2000 / gcj02（高德、DataV）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["boundary"] is None:
            counts = load_panshan_areas()
            self.stdout.write(
                self.style.SUCCESS(f"已载入 {counts['townships']} 个乡镇级单位、{counts['villages']} 个村/社区")
            )
            return
        area = AdminArea.objects.filter(code=options["code"]).first()
        if area is None:
            raise CommandError(f"区划代码 {options['code']} 不存在，请先运行 yingji load_areas")
        data = json.loads(options["boundary"].read_text(encoding="utf-8"))
        if data.get("type") == "FeatureCollection":
            data = data["features"][0]
        geometry = data.get("geometry", data)
        try:
            set_area_boundary(area, geometry, crs=options["crs"], source=str(options["boundary"].name), actor=None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已更新 {area.name} 的边界（{options['crs']} → WGS84）"))
