"""`yingji mqtt`: consume device readings from an MQTT broker (topic scheme in docs/monitoring.md, "MQTT")."""

from __future__ import annotations

import os
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yingji.monitoring.mqtt import Consumer, default_client_id, subscription


class Command(BaseCommand):
    help = "从 MQTT 代理接收设备读数（QoS 1，保留会话），写入并评估，结果发布到设备的 results 主题"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MQTT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MQTT_PORT", "1883")))
        parser.add_argument("--username", default=os.environ.get("MQTT_USERNAME") or None)
        parser.add_argument("--password", default=os.environ.get("MQTT_PASSWORD") or None,
                            help="也可用环境变量 MQTT_PASSWORD（不出现在进程列表中）")
        parser.add_argument("--shared-group", default=None,
                            help="共享订阅组名：多个无状态进程以 $share/组名/… 分担负载")
        parser.add_argument("--client-id", default=None,
                            help="固定的客户端标识（代理据此保留 QoS 1 会话）；同组的每个进程须不同")
        parser.add_argument("--keepalive", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        group = options["shared_group"]
        consumer = Consumer(options["host"], options["port"], username=options["username"],
                            password=options["password"], shared_group=group,
                            client_id=options["client_id"] or default_client_id(group),
                            keepalive=options["keepalive"])

        def stop(signum: int, frame: Any) -> None:
            self.stdout.write(f"收到信号 {signal.Signals(signum).name}，停止接收")
            consumer.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"MQTT 接收：{options['host']}:{options['port']} 订阅 {subscription(group)}"
                          f"（client id {consumer.client_id}）")
        consumer.run()
        self.stdout.write(f"已停止；本次处理消息 {consumer.handled} 条")
