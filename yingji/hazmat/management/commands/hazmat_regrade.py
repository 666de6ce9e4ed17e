"""`yingji hazmat_regrade`: grade every stored unit again with the current catalogue."""

from typing import Any

from django.core.management.base import BaseCommand

from yingji.hazmat.regrade import regrade_all


class Command(BaseCommand):
    help = "按当前危险化学品目录对全部单元重新辨识分级（GB 18218-2018）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = regrade_all(actor=None)
        self.stdout.write(f"已重新辨识 {result['units']} 个单元，其中 {result['grade_changed']} 个级别变化")
