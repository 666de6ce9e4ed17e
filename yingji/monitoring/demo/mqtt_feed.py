"""The simulator's MQTT transport: each device's batch to its readings topic, the answer from its results topic.

`yingji simulate --mqtt HOST:PORT` sends through this instead of HTTP. One broker connection carries every
demo device (fine for an anonymous demo broker; with per-device ACLs give it a user allowed to publish on
every demo device's readings topic). A batch is published at QoS 1 to ``yingji/v1/devices/{code}/readings``
and the simulator waits for `yingji mqtt`'s answer on ``…/{code}/results``: no answer within the timeout
(the consumer is not running) counts as the server being unavailable, so the runner retries the batch —
harmless, because a resent reading is answered ``duplicate``.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from .. import mqtt
from .runner import ServerUnavailable

RESULTS_FILTER = f"{mqtt.TOPIC_ROOT}/+/results"


def parse_address(text: str) -> tuple[str, int]:
    """``host:port`` (port 1883 when omitted).

    :raises ValueError: (Chinese message) an empty host or a port that is not a number from 1 to 65535.
    """
    host, _, port_text = text.rpartition(":") if ":" in text else (text, ":", "1883")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"--mqtt 须为 主机:端口，例如 127.0.0.1:1883，收到 {text!r}")
    return host, int(port_text)


class MqttFeed:
    """Publishes batches as the demo devices and waits for the consumer's answers; connects on first use."""

    def __init__(self, host: str, port: int, *, username: str | None = None, password: str | None = None,
                 timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"yingji-simulator-{uuid.uuid4().hex[:8]}",
                                  protocol=paho.MQTTv311)
        if username:
            self.client.username_pw_set(username, password)
        self._subscribed = threading.Event()
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self._answers: dict[str, queue.Queue[dict[str, Any]]] = {}
        self._connected = False

    @property
    def target(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        code = message.topic.removeprefix(f"{mqtt.TOPIC_ROOT}/").removesuffix("/results")
        try:
            answer = json.loads(message.payload)
        except ValueError:
            answer = {"error": f"无法解析的应答：{message.payload[:200]!r}"}
        self._queue(code).put(answer)

    def _queue(self, code: str) -> queue.Queue[dict[str, Any]]:
        return self._answers.setdefault(code, queue.Queue())

    def _connect(self) -> None:
        try:
            self.client.connect(self.host, self.port, keepalive=30)
        except OSError as exc:
            raise ServerUnavailable(f"MQTT 代理 {self.host}:{self.port} 无法连接：{exc}") from exc
        self.client.loop_start()  # reconnects by itself from here on
        self.client.subscribe(RESULTS_FILTER, qos=mqtt.QOS)
        if not self._subscribed.wait(self.timeout):
            raise ServerUnavailable(f"MQTT 代理 {self.host}:{self.port} 未确认订阅")
        self._connected = True

    def send(self, code: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
        """Publish one device's batch; the consumer's answer (``{"error", "detail"}`` for a refused message).

        :raises ServerUnavailable: the broker cannot be reached, or no answer within the timeout.
        """
        if not self._connected:
            self._connect()
        answers = self._queue(code)
        while not answers.empty():  # a late answer to an earlier, retried batch
            answers.get_nowait()
        info = self.client.publish(mqtt.readings_topic(code), json.dumps(readings).encode(), qos=mqtt.QOS)
        try:
            info.wait_for_publish(self.timeout)
        except (RuntimeError, ValueError) as exc:  # paho: not connected, or its queue is full
            raise ServerUnavailable(f"MQTT 代理 {self.host}:{self.port} 发布失败：{exc}") from exc
        if not info.is_published():
            raise ServerUnavailable(f"MQTT 代理 {self.host}:{self.port} 未确认消息")
        try:
            answer = answers.get(timeout=self.timeout)
        except queue.Empty:
            raise ServerUnavailable(f"{self.timeout:g} 秒内没有收到应答：`yingji mqtt` 是否在运行？") from None
        if answer.get("error"):
            return {"error": "MQTT", "detail": answer["error"]}
        return answer

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()
