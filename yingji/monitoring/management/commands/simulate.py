"""`yingji simulate [--url URL] [--speed N] [--seed N] [--once]`: stream the demo devices' readings over HTTP.

Needs the demo devices (`yingji demo --load-only`). Each device posts its own batches to
/api/v1/monitoring/readings with its demo token; every batch and its per-reading results are printed.
The scripted gas leak starts 20 s after the start (level-1 alarm about 30 s later), the water-main burst
at 5 minutes, the overheating charging pile at 10 minutes; the script repeats every 30 minutes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.monitoring.demo.runner import Runner, ServerUnavailable


class Command(BaseCommand):
    help = "模拟演示设备实时上报读数（含脚本化的泄漏、爆管、充电桩过热事件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="平台地址")
        parser.add_argument("--speed", type=float, default=1.0,
                            help="时间压缩倍数（>1 时事件更快发生，变化速率也按倍数增大）")
        parser.add_argument("--seed", type=int, default=0, help="随机种子（同一种子生成相同的序列）")
        parser.add_argument("--once", action="store_true", help="每台设备发送一批后退出")
        parser.add_argument("--retries", type=int, default=None,
                            help="服务器不可用时的重试次数（默认：--once 时 10 次，否则一直重试）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["speed"] <= 0:
            raise CommandError("--speed 须为正数")
        retries = options["retries"] if options["retries"] is not None else (10 if options["once"] else None)
        runner = Runner(options["url"], speed=options["speed"], seed=options["seed"], retries=retries,
                        out=self.stdout.write)
        if not runner.feeds:
            raise CommandError("没有演示设备：请先运行 `yingji demo --load-only`")
        self.stdout.write(f"模拟 {len(runner.feeds)} 台演示设备 → {options['url']}（速度 ×{options['speed']:g}）")
        try:
            runner.run(once=options["once"])
        except ServerUnavailable as exc:
            raise CommandError(f"服务器不可用：{options['url']}（{exc}）") from exc
        except KeyboardInterrupt:
            self.stdout.write("已停止")
