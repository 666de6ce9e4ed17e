"""`yingji import_roads <file> --source NAME`: replace the roads of one source with an OSM or GeoJSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.command import roads


class Command(BaseCommand):
    help = "导入路网：OpenStreetMap（.osm / .osm.pbf）或 GeoJSON，替换同一来源的全部道路"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".osm、.osm.pbf 或 .geojson 文件")
        parser.add_argument("--source", required=True,
                            help="数据来源名称，如“OpenStreetMap 2026-11”；同名来源的道路被替换")
        parser.add_argument("--crs", default="wgs84", choices=("wgs84", "gcj02"), help="GeoJSON 的坐标系")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Path(options["file"]).is_file():
            raise CommandError(f"文件不存在：{options['file']}")
        try:
            report = roads.read_file(options["file"], crs=options["crs"])
            summary = roads.replace_roads(report, source=options["source"], actor=None)
        except ValidationError as exc:
            raise CommandError("；".join(f"{k}：{'，'.join(v)}" for k, v in exc.message_dict.items())) from exc
        classes = "，".join(f"{k} {v}" for k, v in sorted(summary["by_class"].items()))
        self.stdout.write(f"导入 {summary['imported']} 条道路（{classes}），替换原有 {summary['replaced']} 条，"
                          f"其中封闭 {summary['closed']} 条、单行 {summary['oneway']} 条")
        for reason, count in sorted(summary["skipped"].items()):
            self.stdout.write(f"  跳过 {count} 条：{reason}")
