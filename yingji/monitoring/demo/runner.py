"""Stream the simulator's readings to a server over HTTP, as each demo device with its own token.

Used by `yingji simulate` and, in a daemon thread, by `yingji demo` once its server is up. Standard
library only (urllib). Batches are per device (one token per request); a server that is not up yet, or
that fails, is retried with backoff and the batch is kept, so nothing generated is skipped.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import close_old_connections, connection
from django.utils import timezone

from ..models import Channel
from ..simulator import SimChannel, Simulator
from .loader import EPISODE_OF, STUCK_DEVICE, demo_token

log = logging.getLogger("yingji.monitoring.simulate")
READINGS_PATH = "/api/v1/monitoring/readings"

Poster = Callable[[str, str, list[dict[str, Any]]], dict[str, Any]]
Transport = Callable[[str, list[dict[str, Any]]], dict[str, Any]]  # (device code, readings) → answer


class ServerUnavailable(RuntimeError):
    pass


@dataclass
class DeviceFeed:
    code: str
    token: str
    refs: list[str] = field(default_factory=list)


def demo_plan() -> tuple[list[SimChannel], dict[str, DeviceFeed]]:
    """The demo channels as simulator channels, and each demo device's token (read from the database)."""
    channels: list[SimChannel] = []
    feeds: dict[str, DeviceFeed] = {}
    for c in Channel.objects.filter(device__is_demo=True, device__status="active").select_related("device") \
            .order_by("device__code", "metric"):
        code = c.device.code
        channels.append(SimChannel(c.reference, c.metric, c.sample_interval_s, design=c.design_value,
                                   episode=EPISODE_OF.get(c.reference), stuck=code == STUCK_DEVICE))
        feeds.setdefault(code, DeviceFeed(code, demo_token(code))).refs.append(c.reference)
    return channels, feeds


def http_post(url: str, token: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
    """POST one batch; the decoded answer. ServerUnavailable when the server cannot be reached or fails."""
    request = urllib.request.Request(
        url.rstrip("/") + READINGS_PATH, data=json.dumps(readings).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the URL is the operator's)
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise ServerUnavailable(f"HTTP {exc.code}") from exc
        body = exc.read().decode(errors="replace")[:300]
        return {"error": f"HTTP {exc.code}", "detail": body}
    except (urllib.error.URLError, OSError) as exc:
        raise ServerUnavailable(str(getattr(exc, "reason", exc))) from exc


@dataclass
class Runner:
    """Generate and send; ``step()`` sends what is due now, ``run()`` loops until stopped."""

    url: str
    speed: float = 1.0
    seed: int = 0
    post: Poster | None = None  # default: http_post (looked up at call time)
    out: Callable[[str], None] = print
    start: datetime = field(default_factory=timezone.now)
    retries: int | None = None  # None: retry forever
    stop: threading.Event = field(default_factory=threading.Event)
    transport: Transport | None = None  # instead of HTTP, e.g. MqttFeed.send

    def __post_init__(self) -> None:
        channels, self.feeds = demo_plan()
        self.simulator = Simulator(channels, seed=self.seed, start=self.start)
        self.next_k = {c.ref: 0 for c in channels}
        self._t0 = time.monotonic()

    def batches(self, until_s: float) -> dict[str, list[dict[str, Any]]]:
        """The readings due up to scenario time ``until_s``, per device code (dropouts left out)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for code, feed in self.feeds.items():
            readings = []
            for ref in feed.refs:
                for sample in self.simulator.samples(ref, until_s, since_k=self.next_k[ref]):
                    self.next_k[ref] = sample.k + 1
                    if sample.value is not None:
                        at = self.simulator.time_of(sample, speed=self.speed)
                        readings.append({"channel": ref, "time": at.isoformat(), "value": sample.value})
            if readings:
                out[code] = readings
        return out

    def send(self, code: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
        attempt, delay = 0, 1.0
        while True:
            try:
                if self.transport is not None:
                    answer = self.transport(code, readings)
                else:
                    answer = (self.post or http_post)(self.url, self.feeds[code].token, readings)
                break
            except ServerUnavailable as exc:
                attempt += 1
                if self.retries is not None and attempt > self.retries:
                    raise
                where = "" if self.transport is not None else f"：{self.url}"
                self.out(f"服务器暂不可用（{exc}），{delay:.0f} 秒后重试{where}")
                if self.stop.wait(delay):
                    raise
                delay = min(delay * 2, 10.0)
        values = " ".join(f"{r['channel'].split('/', 1)[1]}={r['value']:g}" for r in readings)
        if "error" in answer:
            self.out(f"{code} 发送 {len(readings)} 条 [{values}] → 被拒绝 {answer['error']}：{answer['detail']}")
            return answer
        summary = f"存储 {answer['stored']}，重复 {answer['duplicate']}，拒绝 {answer['rejected']}"
        self.out(f"{code} 发送 {len(readings)} 条 [{values}] → {summary}")
        for result in answer.get("results", []):
            if result.get("status") == "rejected":
                self.out(f"  第 {result['index']} 条被拒绝：{result.get('reason', '')}")
        return answer

    def step(self, until_s: float | None = None) -> int:
        """Send everything due (now, or up to scenario time ``until_s``); the number of readings sent."""
        if until_s is None:
            until_s = (time.monotonic() - self._t0) * self.speed
        sent = 0
        for code, readings in self.batches(until_s).items():
            self.send(code, readings)
            sent += len(readings)
        return sent

    def run(self, *, once: bool = False) -> None:
        if once:
            self.step(0.0)
            return
        while not self.stop.is_set():
            self.step()
            self.stop.wait(1.0)


def wait_for_port(host: str, port: int, *, timeout: float) -> bool:
    """True once something listens on (host, port); False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def start_in_background(url: str) -> str:
    """`yingji demo`: a daemon thread that waits for the server at ``url``, then streams the demo readings."""
    parts = urlsplit(url)
    host = "127.0.0.1" if parts.hostname in (None, "0.0.0.0", "::") else parts.hostname  # noqa: S104
    port = parts.port or 80
    target = f"{parts.scheme or 'http'}://{host}:{port}"

    def work() -> None:
        if not wait_for_port(host, port, timeout=120):
            log.warning("模拟器：%s 两分钟内未启动，放弃", target)
            return
        try:
            close_old_connections()
            runner = Runner(target, out=log.debug)  # quiet next to the server log; `yingji simulate` prints each batch
            connection.close()  # the plan is read; do not hold a connection (SQLite locks) while streaming
            runner.run()
        except Exception:  # a demo helper must never take the server down with it
            log.exception("模拟器停止")

    threading.Thread(target=work, name="yingji-simulator", daemon=True).start()
    return (f"模拟器：服务启动后向 {target}{READINGS_PATH} 推送演示设备读数"
            "（约 1 分钟内出现可燃气体泄漏报警；--no-simulator 关闭）")
