"""`yingji mqtt` against a real Mosquitto: QoS 1 in, stored once, answered on the results topic.

Each test starts a private broker on a free port (no persistence, anonymous, loopback only) and runs the
consumer in a thread; the consumer writes through its own database connection, hence transactional tests.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.conftest import require_service
from tests.integration.monitoring_support import GasDetector, at, gas_detector
from yingji.monitoring import mqtt
from yingji.monitoring.models import DeadLetter, Reading

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10.0
STARTUP_TIMEOUT = 60.0  # a new `yingji mqtt` process: interpreter, Django, connection


def _mosquitto() -> str | None:
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[int]:
    """A private mosquitto on a free loopback port; its port."""
    binary = _mosquitto()
    require_service(binary is not None, "mosquitto")
    assert binary is not None
    port = _free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    log = (tmp_path / "mosquitto.log").open("wb")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"mosquitto did not start: {(tmp_path / 'mosquitto.log').read_text()}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class RunningConsumer:
    """`mqtt.Consumer.run()` in a thread; :meth:`stop` must return it within the timeout."""

    def __init__(self, port: int, client_id: str = "yingji-mqtt-test") -> None:
        self.consumer = mqtt.Consumer("127.0.0.1", port, client_id=client_id)
        self.thread = threading.Thread(target=self.consumer.run, name="mqtt-consumer", daemon=True)

    def start(self) -> RunningConsumer:
        self.thread.start()
        assert self.consumer.subscribed.wait(TIMEOUT), "the consumer did not subscribe"
        return self

    def stop(self) -> None:
        self.consumer.stop()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the consumer did not stop"


class Device:
    """A device-side client: publishes readings at QoS 1 and collects the answers on its results topic."""

    def __init__(self, port: int, code: str) -> None:
        self.code = code
        self.answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"device-{code}-{uuid.uuid4().hex[:6]}")
        subscribed = threading.Event()
        self.client.on_message = lambda c, u, m: self.answers.put(json.loads(m.payload))
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(mqtt.results_topic(code), qos=1)
        assert subscribed.wait(TIMEOUT)

    def publish(self, payload: Any, code: str | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        info = self.client.publish(mqtt.readings_topic(code or self.code), body, qos=1)
        info.wait_for_publish(TIMEOUT)
        assert info.is_published()

    def answer(self) -> dict[str, Any]:
        return self.answers.get(timeout=TIMEOUT)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


@pytest.fixture
def consumer(broker: int) -> Iterator[RunningConsumer]:
    running = RunningConsumer(broker).start()
    yield running
    running.stop()


@pytest.fixture
def device_a(broker: int, gas_a: GasDetector) -> Iterator[Device]:
    device = Device(broker, "GAS-A1")
    yield device
    device.close()


def stored_values(detector: GasDetector) -> list[float]:
    return list(Reading.objects.filter(channel=detector.channel).order_by("time").values_list("value", flat=True))


def test_topic_scheme() -> None:
    assert mqtt.readings_topic("GAS-A1") == "yingji/v1/devices/GAS-A1/readings"
    assert mqtt.results_topic("GAS-A1") == "yingji/v1/devices/GAS-A1/results"
    assert mqtt.device_code("yingji/v1/devices/GAS-A1/readings") == "GAS-A1"
    assert mqtt.device_code("yingji/v1/devices/GAS-A1/results") is None
    assert mqtt.device_code("yingji/v1/devices/a/b/readings") is None
    assert mqtt.subscription() == "yingji/v1/devices/+/readings"
    assert mqtt.subscription("ingest") == "$share/ingest/yingji/v1/devices/+/readings"


def test_readings_are_stored_once_and_answered(consumer: RunningConsumer, device_a: Device,
                                               gas_a: GasDetector) -> None:
    readings = [{"metric": "combustible_gas", "time": at(0), "value": 1.0},
                {"channel": gas_a.channel.pk, "time": at(10), "value": 2.0},
                {"channel": "GAS-A1/combustible_gas", "time": at(20), "value": 3.0}]
    device_a.publish(readings)
    answer = device_a.answer()
    assert (answer["stored"], answer["duplicate"], answer["rejected"]) == (3, 0, 0), answer
    assert stored_values(gas_a) == [1.0, 2.0, 3.0]

    device_a.publish(readings)  # a redelivery of the same message
    again = device_a.answer()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert stored_values(gas_a) == [1.0, 2.0, 3.0]

    device_a.publish({"metric": "combustible_gas", "time": at(30), "value": 4.0})  # a single object
    single = device_a.answer()
    assert single["results"] == [{"index": 0, "status": "stored", "reason": ""}]
    assert stored_values(gas_a) == [1.0, 2.0, 3.0, 4.0]


def test_another_devices_channel_is_rejected_and_reported(consumer: RunningConsumer, device_a: Device,
                                                          gas_a: GasDetector, gas_b: GasDetector) -> None:
    device_a.publish([{"channel": gas_b.channel.pk, "time": at(0), "value": 9.0},
                      {"channel": "GAS-B1/combustible_gas", "time": at(10), "value": 9.0},
                      {"metric": "combustible_gas", "time": at(20), "value": 1.0}])
    answer = device_a.answer()
    assert [r["status"] for r in answer["results"]] == ["rejected", "rejected", "stored"], answer
    assert "不属于本设备" in answer["results"][0]["reason"]
    assert not Reading.objects.filter(channel=gas_b.channel).exists()
    assert stored_values(gas_a) == [1.0]


def test_bad_payloads_are_answered_and_the_consumer_keeps_going(consumer: RunningConsumer, device_a: Device,
                                                                gas_a: GasDetector) -> None:
    device_a.publish(b'[{"metric": "combustible_gas", "time": ')
    broken = device_a.answer()
    assert "不是有效的 JSON" in broken["error"] and broken["stored"] == 0

    device_a.publish(b'"just a string"')
    assert "JSON 数组" in device_a.answer()["error"]

    device_a.publish([{"metric": "combustible_gas", "time": at(0), "value": "high"},
                      {"metric": "combustible_gas", "time": 1764288000_000_000, "value": 1.0},
                      {"metric": "combustible_gas", "time": at(10)},
                      {"metric": 7, "time": at(20), "value": 1.0},
                      {"metric": "nonexistent", "time": at(30), "value": 1.0}])
    rejected = device_a.answer()
    assert [r["status"] for r in rejected["results"]] == ["rejected"] * 5, rejected
    assert all(r["reason"] for r in rejected["results"])

    device_a.publish([{"metric": "combustible_gas", "time": at(40), "value": 5.0}])  # still alive
    assert device_a.answer()["stored"] == 1
    assert stored_values(gas_a) == [5.0]
    # each refused message was kept (and acknowledged only then): two whole, one with its 5 readings
    assert sorted(DeadLetter.objects.values_list("rejected", flat=True)) == [0, 0, 5]
    assert consumer.thread.is_alive()


def test_unknown_device_is_answered(consumer: RunningConsumer, broker: int, gas_a: GasDetector) -> None:
    stranger = Device(broker, "NO-SUCH")
    try:
        stranger.publish([{"metric": "combustible_gas", "time": at(0), "value": 1.0}])
        assert "设备不存在" in stranger.answer()["error"]
    finally:
        stranger.close()
    assert not Reading.objects.exists()


def test_qos1_messages_wait_for_the_consumer_across_a_restart(broker: int, device_a: Device,
                                                              gas_a: GasDetector) -> None:
    first = RunningConsumer(broker, client_id="yingji-mqtt-restart").start()
    first.stop()  # the broker keeps the session (clean_session False) and queues QoS 1 messages for it
    device_a.publish([{"metric": "combustible_gas", "time": at(0), "value": 7.0}])
    time.sleep(0.2)
    assert stored_values(gas_a) == []
    again = RunningConsumer(broker, client_id="yingji-mqtt-restart").start()
    try:
        assert device_a.answer()["stored"] == 1
        assert stored_values(gas_a) == [7.0]
    finally:
        again.stop()


def test_command_stops_gracefully_on_sigterm(broker: int, tmp_path: Path) -> None:
    """`yingji mqtt` as its own process: a database error leaves the message unacknowledged (the broker
    redelivers it after the reconnect) without killing the consumer; SIGTERM stops it with exit code 0."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'no-tables.sqlite3'}"}
    process = subprocess.Popen([sys.executable, "-m", "yingji.cli", "mqtt", "--port", str(broker),
                                "--client-id", "yingji-mqtt-sigterm"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True).start()

    seen: list[str] = []

    def wait_for(text: str, timeout: float = TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen.append(lines.get(timeout=left))
            except queue.Empty:
                break
            if text in seen[-1]:
                return True
        if timeout < TIMEOUT:
            return False
        pytest.fail(f"`yingji mqtt` never printed {text!r}; it printed:\n{''.join(seen)}")

    try:
        # A bound, not a timing: starting Python and Django took over 10 s at load 10 on 2 cores.
        wait_for("MQTT 已连接", timeout=STARTUP_TIMEOUT)
        publisher = Device(broker, "GAS-X1")
        try:
            # "已连接" is printed before the broker has the subscription: a publish may come too early
            for _ in range(5):
                publisher.publish([{"metric": "combustible_gas", "time": at(0), "value": 1.0}])
                if wait_for("消息未确认", timeout=2.0):  # the database has no tables: an OperationalError
                    break
            else:
                pytest.fail(f"`yingji mqtt` never printed 消息未确认; it printed:\n{''.join(seen)}")
        finally:
            publisher.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=TIMEOUT)
        wait_for("已停止")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
