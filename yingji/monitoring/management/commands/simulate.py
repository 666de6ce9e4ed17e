"""`yingji simulate [--url URL | --mqtt HOST:PORT] [--speed N] [--seed N] [--once]`: stream the demo readings.

Needs the demo devices (`yingji demo --load-only`). Over HTTP each device posts its own batches to
/api/v1/monitoring/readings with its demo token; with ``--mqtt`` each batch is published to the device's
readings topic and `yingji mqtt` answers on its results topic (``--mqtt-username``; the password from
``MQTT_PASSWORD``). Every batch and its per-reading results are printed.
The scripted gas leak starts 20 s after the start (level-1 alarm about 30 s later), the water-main burst
at 5 minutes, the overheating charging pile at 10, the school fire alarm at 15, methane in a manhole at 20,
the bridge overload at 25; the script repeats every 30 minutes.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.monitoring.demo.mqtt_feed import MqttFeed, parse_address
from yingji.monitoring.demo.runner import Runner, ServerUnavailable


class Command(BaseCommand):
    help = "模拟演示设备实时上报读数（含脚本化的泄漏、爆管、充电桩过热事件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="平台地址")
        parser.add_argument("--mqtt", metavar="HOST:PORT", default=None,
                            help="改经 MQTT 代理上报（需运行 `yingji mqtt`），例如 127.0.0.1:1883")
        parser.add_argument("--mqtt-username", default=os.environ.get("MQTT_USERNAME"),
                            help="MQTT 用户名（密码取环境变量 MQTT_PASSWORD）")
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
        feed = None
        target = options["url"]
        if options["mqtt"]:
            try:
                host, port = parse_address(options["mqtt"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            feed = MqttFeed(host, port, username=options["mqtt_username"], password=os.environ.get("MQTT_PASSWORD"))
            target = feed.target
        runner = Runner(options["url"], speed=options["speed"], seed=options["seed"], retries=retries,
                        out=self.stdout.write, transport=feed.send if feed else None)
        if not runner.feeds:
            raise CommandError("没有演示设备：请先运行 `yingji demo --load-only`")
        self.stdout.write(f"模拟 {len(runner.feeds)} 台演示设备 → {target}（速度 ×{options['speed']:g}）")
        try:
            runner.run(once=options["once"])
        except ServerUnavailable as exc:
            raise CommandError(f"服务器不可用：{target}（{exc}）") from exc
        except KeyboardInterrupt:
            self.stdout.write("已停止")
        finally:
            if feed is not None:
                feed.close()
