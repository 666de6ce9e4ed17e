"""`yingji retention`: delete raw readings, rollups and dead letters past the retention policy
(settings YINGJI_RETENTION_*)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yingji.monitoring.retention import apply_retention


class Command(BaseCommand):
    help = "按保存期限删除过期的原始读数、汇总数据和死信（未汇总的读数、未关闭报警时段内的读数不删除）"

    def handle(self, *args: Any, **options: Any) -> None:
        run = apply_retention()
        self.stdout.write(run.summary)
