"""MQTT ingestion: the topic scheme, payload handling, and the consumer behind `yingji mqtt`.

Devices publish to ``yingji/v1/devices/{device_code}/readings`` (QoS 1) a JSON array of readings or a
single reading object, each ``{"metric": "combustible_gas" | "channel": 12 | "设备编码/指标",
"time": "2026-11-28T08:00:00+08:00", "value": 12.5}``. The payload goes through the same parser and
ingestion service as ``POST /api/v1/monitoring/readings`` (:mod:`.ingest`), acting as the device named in
the topic, so a reading for another device's channel is rejected. The answer (the HTTP endpoint's body,
or ``{"error": …}`` for a payload that cannot be read) is published to
``yingji/v1/devices/{device_code}/results`` at QoS 1.

The broker authenticates devices; its ACL must restrict each device to its own topics (docs/monitoring.md,
"MQTT"). A message is acknowledged to the broker only after its transaction committed (manual acks), so a
crash or a lost database connection leads to a redelivery, which stores nothing twice: readings are
unique per (channel, time). A message that fails validation (wholly or in part) is stored as a
:class:`~.models.DeadLetter` in the same transaction, so it is acknowledged only once it is kept.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import DatabaseError, close_old_connections, transaction

from . import dead_letters, ingest
from .models import Device

log = logging.getLogger(__name__)

TOPIC_ROOT = "yingji/v1/devices"
READINGS_FILTER = f"{TOPIC_ROOT}/+/readings"
QOS = 1
# Bigger than any 10 000-reading batch; a payload over it is refused before parsing.
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024
RETRY_AFTER_DATABASE_ERROR_S = 2.0

_READINGS_TOPIC = re.compile(rf"^{re.escape(TOPIC_ROOT)}/([^/+#]+)/readings$")


def readings_topic(device_code: str) -> str:
    return f"{TOPIC_ROOT}/{device_code}/readings"


def results_topic(device_code: str) -> str:
    return f"{TOPIC_ROOT}/{device_code}/results"


def subscription(shared_group: str | None = None) -> str:
    """The readings filter, as a shared subscription (``$share/{group}/…``) when a group is given."""
    return f"$share/{shared_group}/{READINGS_FILTER}" if shared_group else READINGS_FILTER


def device_code(topic: str) -> str | None:
    """The device code in a readings topic, or None when the topic is not one."""
    match = _READINGS_TOPIC.match(topic)
    return match.group(1) if match else None


@dataclass(slots=True)
class Answer:
    """What the consumer publishes to ``topic`` (None: nowhere to answer) as JSON."""

    topic: str | None
    body: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> bytes:
        return orjson.dumps(self.body)


def _error(code: str | None, message: str) -> Answer:
    return Answer(results_topic(code) if code else None,
                  {"error": message, "stored": 0, "duplicate": 0, "rejected": 0, "results": []})


def _with_channel(item: Any, code: str) -> Any:
    """``metric`` (this device's metric) as the ingestion service's ``channel`` reference."""
    if not isinstance(item, dict) or "channel" in item or "metric" not in item:
        return item
    metric = item["metric"]
    ref = f"{code}/{metric}" if isinstance(metric, str) and metric and "/" not in metric else None
    return {**item, "channel": ref}


@transaction.atomic
def handle_message(topic: str, payload: bytes) -> Answer:
    """Ingest one MQTT message as the device named in its topic (one transaction), and the answer.

    Never raises for bad input: an unknown device, an unreadable payload and invalid readings are all
    answered, and stored as a dead letter in the same transaction (only the rejected readings when some
    were stored). Database errors propagate, so that the caller leaves the message unacknowledged.
    """
    code = device_code(topic)
    if code is None:
        reason = f"主题不是读数主题：{topic[:200]}（应为 {TOPIC_ROOT}/{{设备编码}}/readings）"
        return _dead(topic, payload, None, "", reason)
    device = Device.objects.filter(code=code).only("pk", "status").first()
    if device is None or device.status == "retired":
        return _dead(topic, payload, None, code, f"设备不存在或已停用：{code}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        reason = f"消息过大（{len(payload)} 字节，上限 {MAX_PAYLOAD_BYTES}）；请分批发布"
        return _dead(topic, payload, device, code, reason)
    body = payload.strip()
    if body.startswith(b"{"):  # one reading: read it as a one-element array
        body = b"[" + body + b"]"
    try:
        items = ingest.parse_body(body, "application/json")
    except ingest.BodyError as exc:
        return _dead(topic, payload, device, code, str(exc).replace("请求体", "消息"))
    results = ingest.ingest([_with_channel(item, code) for item in items], writer=ingest.Writer(device_id=device.pk))
    part = dead_letters.rejected_part(items, results)
    if part is not None:
        letter, reason, count = part
        dead_letters.record(topic=topic, payload=letter, reason=reason, device_code=code, device=device,
                            rejected=count)
    return Answer(results_topic(code), ingest.answer(results))


def _dead(topic: str, payload: bytes, device: Device | None, code: str, reason: str) -> Answer:
    """A message refused as a whole: kept as a dead letter, answered with the reason."""
    dead_letters.record(topic=topic, payload=payload, reason=reason, device_code=code, device=device)
    return _error(code or None, reason)


def default_client_id(shared_group: str | None = None) -> str:
    """Stable across restarts (the broker keeps the QoS 1 session by it); one per worker of a group."""
    return f"yingji-mqtt-{shared_group}-{socket.gethostname()}" if shared_group else "yingji-mqtt"


class Consumer:
    """A paho-mqtt client (callback API v2) that feeds readings messages to :func:`handle_message`.

    Persistent session (clean_session False, stable client id), QoS 1, manual acknowledgement after the
    message's transaction. :meth:`run` blocks and reconnects; :meth:`stop` (any thread, or a signal
    handler) disconnects and makes :meth:`run` return.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 1883, *, username: str | None = None,
                 password: str | None = None, shared_group: str | None = None, client_id: str | None = None,
                 keepalive: int = 60) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.host, self.port, self.keepalive = host, port, keepalive
        self.topic_filter = subscription(shared_group)
        self.client_id = client_id or default_client_id(shared_group)
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=False,
                                  protocol=paho.MQTTv311, manual_ack=True)
        if username:
            self.client.username_pw_set(username, password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.subscribed = threading.Event()
        self.handled = 0
        self._stopping = threading.Event()

    # --- paho callbacks ----------------------------------------------------------------------------
    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            log.error("MQTT 连接被拒绝：%s", reason_code)
            return
        log.info("MQTT 已连接 %s:%s（client id %s，保留会话 %s），订阅 %s", self.host, self.port, self.client_id,
                 flags.session_present, self.topic_filter)
        client.subscribe(self.topic_filter, qos=QOS)
        self.subscribed.set()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        self.subscribed.clear()
        if not self._stopping.is_set():
            log.warning("MQTT 连接断开（%s），稍后重连", reason_code)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        close_old_connections()
        try:
            try:
                answer = handle_message(message.topic, message.payload)
            except DatabaseError:
                raise
            except Exception as exc:  # noqa: BLE001 — a bug must not stop the consumer: kept, told, logged
                log.exception("处理 MQTT 消息出错：%s", message.topic)
                code = device_code(message.topic) or ""
                with transaction.atomic():
                    answer = _dead(message.topic, message.payload, None, code,
                                   f"服务器处理该消息时出错（{type(exc).__name__}），已记录")
        except DatabaseError:
            # Not acknowledged: reconnecting makes the broker redeliver it from the persistent session.
            log.exception("写入读数失败（数据库错误），消息未确认，重连后由代理重新投递：%s", message.topic)
            close_old_connections()
            client.disconnect()
            return
        if answer.topic is None:
            log.warning("忽略非读数主题的消息：%s", message.topic)
        else:
            if answer.body.get("error"):
                log.warning("拒绝 MQTT 消息 %s：%s", message.topic, answer.body["error"])
            client.publish(answer.topic, answer.payload(), qos=QOS)
        if message.qos > 0:
            client.ack(message.mid, message.qos)
        self.handled += 1

    # --- running -----------------------------------------------------------------------------------
    def run(self) -> None:
        """Connect and consume until :meth:`stop`; reconnects after a lost connection."""
        first = True
        while not self._stopping.is_set():
            if not first:  # after the database-error path: give the database a moment, then reconnect
                self._stopping.wait(RETRY_AFTER_DATABASE_ERROR_S)
                if self._stopping.is_set():
                    break
            first = False
            self.client.connect_async(self.host, self.port, keepalive=self.keepalive)
            # Reconnects by itself after a lost connection; returns after disconnect() (stop, database error).
            self.client.loop_forever(retry_first_connection=True)
        close_old_connections()

    def stop(self) -> None:
        self._stopping.set()
        self.client.disconnect()
