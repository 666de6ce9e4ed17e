"""Reliability with real processes: `kill -9` of the server during a sustained ingest, and a broker restart
during an MQTT ingest. Nothing acknowledged may be lost, nothing stored twice, no alarm episode lost or
doubled. Slowish (a server is started twice); no timing is asserted.
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.conftest import require_service
from tests.integration.monitoring_support import T0, GasDetector, at, gas_detector
from tests.integration.test_monitoring_mqtt import RunningConsumer, _mosquitto
from yingji.monitoring.models import Reading
from yingji.monitoring.mqtt import readings_topic

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 180.0  # a bound, not a timing: `migrate` in a subprocess took 57 s at load 10 on 2 cores
BATCHES, PER_BATCH = 16, 100  # readings 10 s apart: 1 600 readings per channel
# The gas channel goes above 25 %LEL (H) twice: two alarm episodes, each recovered (below 23 %LEL).
EPISODES = ((300, 600), (900, 1200))

SETUP = """
from yingji.core.models import User
from yingji.core.roles import Role
from yingji.monitoring import devices
admin = User.objects.create_user("reliability", password="Reliability-Passw0rd!", role=Role.COUNTY_ADMIN)
device = devices.create_device_with_channels(
    {"code": "REL-GAS-1", "name": "可靠性测试探测器", "device_type": "combustible_gas_detector"},
    [{"metric": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100, "sample_interval_s": 10}],
    actor=admin)
print("TOKEN=" + devices.issue_credential(device, actor=admin)[1])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gas(k: int) -> float:
    return 30.0 if any(start <= k < end for start, end in EPISODES) else 2.0


def _batches() -> list[list[dict[str, Any]]]:
    from datetime import timedelta

    return [[{"channel": "REL-GAS-1/combustible_gas", "time": (T0 + timedelta(seconds=10 * k)).isoformat(),
              "value": _gas(k)} for k in range(b * PER_BATCH, (b + 1) * PER_BATCH)] for b in range(BATCHES)]


class Server:
    """`yingji serve` on a free port against a file SQLite database (migrated once)."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'server.sqlite3'}", "YINGJI_VAR_DIR": str(tmp),
                    "SECRET_KEY": "reliability-test-only-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "DEBUG": "false", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
        self.db = tmp / "server.sqlite3"
        self.log = (tmp / "server.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "yingji.cli", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=STARTUP_TIMEOUT, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "yingji.cli", "serve", "--port", str(self.port)],
                                        cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server exited at start-up (see server.log)"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def post(self, token: str, batch: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The answer, or None when the request was not acknowledged (connection refused or cut)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/monitoring/readings", data=json.dumps(batch).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own loopback server
                return json.loads(response.read()) if response.status == 200 else None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    running.manage("migrate", "--verbosity", "0")
    try:
        yield running
    finally:
        running.stop()


def test_kill_9_during_ingest_loses_and_doubles_nothing_acknowledged(server: Server) -> None:
    token = server.manage("shell", "-c", SETUP).split("TOKEN=")[1].strip()
    batches = _batches()
    server.start()
    acknowledged: set[int] = set()
    killer_armed = threading.Event()

    def kill_soon() -> None:  # lands while batch KILL_AT (or the one after) is in flight
        killer_armed.wait()
        time.sleep(0.05)
        server.kill()

    killer = threading.Thread(target=kill_soon, daemon=True)
    killer.start()
    kill_at = BATCHES // 2
    for n, batch in enumerate(batches):
        if n == kill_at:
            killer_armed.set()
        answer = server.post(token, batch)
        if answer is not None:
            assert answer["rejected"] == 0, answer
            acknowledged.add(n)
    killer.join(10)
    assert acknowledged and len(acknowledged) < BATCHES, "the kill did not interrupt the ingest"

    server.start()  # restarted on the same database; the device resends everything it has
    for batch in batches:
        answer = server.post(token, batch)
        assert answer is not None and answer["rejected"] == 0, answer
        assert answer["stored"] + answer["duplicate"] == len(batch)

    db = sqlite3.connect(server.db)
    rows = db.execute("SELECT time, value FROM monitoring_reading ORDER BY time").fetchall()
    assert len(rows) == BATCHES * PER_BATCH  # each reading exactly once (and every acknowledged one)
    assert [v for _, v in rows] == [_gas(k) for k in range(BATCHES * PER_BATCH)]
    alarms = db.execute("SELECT first_at, recovered_at FROM monitoring_alarm WHERE rule_id = 'combustible_gas_level' "
                        "ORDER BY first_at").fetchall()
    expected = [(str((T0 + _seconds(10 * start)).replace(tzinfo=None)), str((T0 + _seconds(10 * end)).replace(
        tzinfo=None))) for start, end in EPISODES]
    assert alarms == expected  # every episode once: none lost, none doubled, each recovered
    db.close()


def _seconds(s: int) -> Any:
    from datetime import timedelta

    return timedelta(seconds=s)


class Broker:
    """A private mosquitto with persistence (as docs/monitoring.md recommends), stopped and restarted on
    the same port: the consumer's session and the queued QoS 1 messages survive the restart."""

    def __init__(self, binary: str, tmp: Path) -> None:
        self.binary, self.port = binary, _free_port()
        self.config = tmp / "mosquitto.conf"
        # `user`: started as root, mosquitto would drop to the `mosquitto` user, which cannot write here
        self.config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                               f"persistence_location {tmp}/\nautosave_interval 1\nuser {getpass.getuser()}\n")
        self.log = (tmp / "mosquitto.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "-c", str(self.config)], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, "mosquitto did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: mosquitto saves its persistence file and exits
            self.process.wait(timeout=10)


@pytest.fixture
def persistent_broker(tmp_path: Path) -> Iterator[Broker]:
    binary = _mosquitto()
    require_service(binary is not None, "mosquitto")
    assert binary is not None
    broker = Broker(binary, tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        broker.log.close()


class Publisher:
    """A device that publishes at QoS 1 and records which messages the broker acknowledged (PUBACK)."""

    def __init__(self, port: int) -> None:
        self.acknowledged: set[int] = set()
        self.lock = threading.Lock()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id="reliability-device", clean_session=False)
        self.client.max_queued_messages_set(0)  # keep publishing while the broker is away; sent on reconnect
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason_code: Any, properties: Any) -> None:
        with self.lock:
            self.acknowledged.add(mid)

    def publish(self, payload: list[dict[str, Any]]) -> int:
        info = self.client.publish(readings_topic("REL-MQ-1"), json.dumps(payload).encode(), qos=1)
        return int(info.mid)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_broker_restart_during_mqtt_ingest_loses_nothing_acknowledged(persistent_broker: Broker, people: Any,
                                                                       enterprise_a: Any) -> None:
    detector = gas_detector("REL-MQ-1", enterprise_a, people.officer_a)
    consumer = RunningConsumer(persistent_broker.port, client_id="yingji-mqtt-reliability").start()
    device = Publisher(persistent_broker.port)
    sent: dict[int, list[dict[str, Any]]] = {}
    try:
        for n in range(60):  # 60 messages of 5 readings; the broker is stopped after 20 and back after 30
            readings = [{"metric": "combustible_gas", "time": at(10 * (5 * n + i)), "value": float(n)}
                        for i in range(5)]
            sent[device.publish(readings)] = readings
            if n == 20:
                persistent_broker.stop()
            if n == 30:
                persistent_broker.start()
            time.sleep(0.05)
        assert consumer.consumer.subscribed.wait(STARTUP_TIMEOUT), "the consumer did not reconnect"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            with device.lock:
                acknowledged = [sent[mid] for mid in device.acknowledged if mid in sent]
            wanted = {r["time"] for readings in acknowledged for r in readings}
            stored = stored_times(detector)
            if len(acknowledged) == len(sent) and wanted <= stored:
                break
            time.sleep(0.2)
        assert len(acknowledged) > 40, "the device's messages were not acknowledged after the restart"
        assert wanted <= stored  # nothing acknowledged is lost
        times = list(Reading.objects.filter(channel=detector.channel).values_list("time", flat=True))
        assert len(times) == len(set(times))  # nothing stored twice
        assert consumer.consumer.handled >= len(acknowledged)
    finally:
        device.close()
        consumer.stop()


def stored_times(detector: GasDetector) -> set[str]:
    return {t.isoformat() for t in Reading.objects.filter(channel=detector.channel).values_list("time", flat=True)}
