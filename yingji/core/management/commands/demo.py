"""`yingji demo`: migrate, load the demo county (marked as demo data), print the accounts, serve.

Each app contributes its part through `demo_loader` on its AppConfig (see yingji.core.demo); all parts
load in one transaction, so a failure leaves the previous demo data in place. An app whose demo rows point
at another app's demo rows declares `demo_unloader` (no arguments): all of them run first, in reverse app
order, so dependants are deleted before what they point at is replaced. When serving, each app's
`demo_background` (a callable taking the server's URL and returning one line to print) is started
before the server, e.g. the monitoring simulator; `--no-simulator` skips them. Each app's `demo_ticks`
(monitoring_tick, worksafety_tick, prevention_tick, command_tick …) run in one supervisor thread
(`yingji.core.ticks`) stopped when the server stops; `--no-ticks` skips them.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.module_loading import import_string

from yingji.core.demo import DemoSection
from yingji.core.demo_accounts import PASSWORD_ENV, DemoAccount, demo_password
from yingji.core.ticks import TickSupervisor, demo_ticks

BANNER = "演示数据 / demo data — 虚构的盘山县应急资源，仅供演示，不得用于实际指挥"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table(accounts: list[DemoAccount], password: str) -> list[str]:
    """The demo accounts as aligned text lines (CJK characters count double)."""
    rows = [("用户名", "角色", "密码", "范围")] + [(a.username, a.role_label, password, a.scope) for a in accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    return ["  ".join([*(_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)), row[3]]).rstrip()
            for row in rows]


class Command(BaseCommand):
    help = "载入演示数据（盘山县演示资源与各角色账号）并启动服务；--load-only 只载入不启动"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load-only", "--no-serve", action="store_true", dest="load_only",
                            help="只迁移并载入演示数据，不启动服务")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-simulator", action="store_true", dest="no_simulator",
                            help="不启动演示设备模拟器（默认服务启动后自动推送模拟读数）")
        parser.add_argument("--no-ticks", action="store_true", dest="no_ticks",
                            help="不在后台运行定时任务（监测离线检查、作业票过期、隐患逾期、演练注入）")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1), stdout=self.stdout)
        self.stdout.write(self.style.WARNING(BANNER))
        password = demo_password()
        started = time.perf_counter()
        sections = self._load(password)
        elapsed = time.perf_counter() - started
        counts = "，".join(f"{label} {n}" for s in sections for label, n in s.counts.items())
        self.stdout.write(self.style.SUCCESS(f"已载入演示数据（{elapsed:.1f} 秒）：{counts}"))
        accounts = [a for s in sections for a in s.accounts]
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码可用环境变量 {PASSWORD_ENV} 修改）：")
        for line in accounts_table(accounts, password):
            self.stdout.write("  " + line)
        for account in accounts:
            if account.totp_secret:
                self.stdout.write(f"\n{account.username} 需两步验证，TOTP 密钥：{account.totp_secret}")
                self.stdout.write(
                    f"添加到认证器 App，或随时运行 `.venv/bin/yingji totp_code {account.username}` 查看当前验证码"
                )
        if options["load_only"]:
            return
        self.stdout.write(f"\n启动服务：http://{options['host']}:{options['port']}/")
        settings.YINGJI_DEMO_BANNER = True  # the server runs in this process: every page marks the demo data
        if not options["no_simulator"]:
            for path in self._hooks("demo_background"):
                self.stdout.write(import_string(path)(f"http://{options['host']}:{options['port']}"))
        ticks = None if options["no_ticks"] else TickSupervisor(demo_ticks())
        if ticks is not None:
            self.stdout.write(ticks.start())
        try:
            call_command("serve", host=options["host"], port=options["port"])
        finally:
            if ticks is not None:
                ticks.stop()

    @staticmethod
    def _hooks(name: str) -> list[str]:
        return [path for config in apps.get_app_configs() if (path := getattr(config, name, ""))]

    def _load(self, password: str) -> list[DemoSection]:
        unloaders = [import_string(path) for path in reversed(self._hooks("demo_unloader"))]
        loaders = [import_string(path) for path in self._hooks("demo_loader")]
        try:
            with transaction.atomic():
                for unload in unloaders:
                    unload()
                return [load(password=password) for load in loaders]
        except ProtectedError as exc:
            blocking = ", ".join(sorted({f"{o._meta.verbose_name} {o}" for o in list(exc.protected_objects)[:5]}))
            raise CommandError(f"演示数据已被其他记录引用，无法替换（{blocking}）；请先删除这些记录") from exc
