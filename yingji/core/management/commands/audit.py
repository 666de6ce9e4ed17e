"""`yingji audit verify`: walk the hash chain and report the first altered or missing event."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core.audit import verify_chain


class Command(BaseCommand):
    help = "审计日志工具：verify 校验哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"审计链在事件 #{problem.seq} 处断开：{problem.reason}（已校验 {checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {checked} 条事件，未发现篡改或缺失。"))
