"""Scale-out against a real Mosquitto: two `yingji mqtt` workers in one shared-subscription group split the
load and store nothing twice; and the simulator's MQTT transport (`yingji simulate --mqtt`).

Uses the private broker and the consumer/device helpers of test_monitoring_mqtt (one broker per test).
"""

from __future__ import annotations

import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError

from tests.integration.monitoring_support import GasDetector, at, gas_detector
from tests.integration.test_monitoring_mqtt import TIMEOUT, Device, RunningConsumer, broker  # noqa: F401 (fixture)
from yingji.monitoring import mqtt
from yingji.monitoring.demo.mqtt_feed import MqttFeed, parse_address
from yingji.monitoring.models import Device as DeviceModel
from yingji.monitoring.models import Reading

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]

MESSAGES = 60


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


class SharedWorker(RunningConsumer):
    """One `yingji mqtt --shared-group ingest --client-id yingji-mqtt-wN` worker, in a thread."""

    def __init__(self, port: int, n: int) -> None:
        self.consumer = mqtt.Consumer("127.0.0.1", port, shared_group="ingest", client_id=f"yingji-mqtt-w{n}")
        self.thread = threading.Thread(target=self.consumer.run, name=f"mqtt-worker-{n}", daemon=True)


def _until(condition: Any, timeout: float = 3 * TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_two_workers_in_a_shared_group_split_the_load_and_store_each_reading_once(broker: int,  # noqa: F811
                                                                                  gas_a: GasDetector) -> None:
    """Each reading is stored once. Delivery is at least once both ways: the test database (shared-cache
    in-memory SQLite) answers concurrent writers "table is locked", the worker then leaves the message
    unacknowledged and reconnects — Mosquitto redelivers the reading (answered `duplicate` if the first try
    had committed) and resends the worker's unconfirmed QoS 1 answers, so the device may see an answer twice."""
    workers = [SharedWorker(broker, n).start() for n in (1, 2)]
    assert {w.consumer.topic_filter for w in workers} == {"$share/ingest/yingji/v1/devices/+/readings"}
    device = Device(broker, "GAS-A1")
    answers: list[dict[str, Any]] = []

    def stored_answers() -> int:
        while not device.answers.empty():
            answers.append(device.answers.get_nowait())
        return sum(a["stored"] for a in answers)

    def readings_stored() -> int:
        try:
            return Reading.objects.filter(channel=gas_a.channel).count()
        except OperationalError:  # "table is locked" while a worker writes: ask again
            return -1

    try:
        for i in range(MESSAGES):
            device.publish({"metric": "combustible_gas", "time": at(10 * i), "value": 1.0})
        # Resent answers can arrive before the last readings are stored, so wait for the store itself.
        assert _until(lambda: stored_answers() >= MESSAGES and readings_stored() == MESSAGES)
        time.sleep(0.5)  # late redeliveries, if any, show up now
        stored_answers()
    finally:
        device.close()
        for worker in workers:
            worker.stop()
    handled = [w.consumer.handled for w in workers]
    assert min(handled) > 0 and sum(handled) >= MESSAGES, handled  # both took part, every message handled
    outcomes = [(a["stored"], a["duplicate"], a["rejected"]) for a in answers]
    assert outcomes.count((1, 0, 0)) >= MESSAGES
    assert set(outcomes) <= {(1, 0, 0), (0, 1, 0)}  # anything beyond one per reading is a harmless duplicate
    assert Reading.objects.filter(channel=gas_a.channel).count() == MESSAGES  # the store saw each reading once


@pytest.mark.parametrize(("text", "expected"), [("127.0.0.1:1884", ("127.0.0.1", 1884)),
                                                ("broker.local", ("broker.local", 1883))])
def test_mqtt_address_parsing(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", [":1883", "host:port", "host:70000"])
def test_bad_mqtt_addresses_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="主机:端口"):
        parse_address(text)


def test_simulate_over_mqtt_stores_every_sent_reading(broker: int, gas_a: GasDetector) -> None:  # noqa: F811
    DeviceModel.objects.filter(pk=gas_a.device.pk).update(is_demo=True)  # the simulator streams demo devices
    consumer = RunningConsumer(broker).start()
    out = StringIO()
    try:
        call_command("simulate", "--mqtt", f"127.0.0.1:{broker}", "--once", stdout=out)
    finally:
        consumer.stop()
    text = out.getvalue()
    assert f"mqtt://127.0.0.1:{broker}" in text
    assert "GAS-A1 发送 1 条" in text and "存储 1，重复 0，拒绝 0" in text
    assert Reading.objects.filter(channel=gas_a.channel).count() == 1


def test_simulate_over_mqtt_without_a_consumer_gives_up_with_a_clear_error(broker: int,  # noqa: F811
                                                                           gas_a: GasDetector) -> None:
    DeviceModel.objects.filter(pk=gas_a.device.pk).update(is_demo=True)
    feed = MqttFeed("127.0.0.1", broker, timeout=0.5)
    try:
        with pytest.raises(Exception, match="没有收到应答"):
            feed.send("GAS-A1", [{"channel": "GAS-A1/combustible_gas", "time": at(0), "value": 1.0}])
    finally:
        feed.close()
    with pytest.raises(Exception, match="服务器不可用：mqtt://127.0.0.1:9"):
        call_command("simulate", "--mqtt", "127.0.0.1:9", "--once", "--retries", "0", stdout=StringIO())
