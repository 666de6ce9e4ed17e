"""Dead letters: MQTT messages that fail validation are kept with their reason, scoped, listed and exported.

`mqtt.handle_message` is what the consumer runs for each message (the broker round trip is covered in
test_monitoring_mqtt.py); calling it directly tests what is stored.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from tests.integration.monitoring_support import GasDetector, at, gas_detector
from yingji.monitoring import mqtt
from yingji.monitoring.constants import DEAD_LETTER_PAYLOAD_LIMIT
from yingji.monitoring.models import DeadLetter, Reading

pytestmark = pytest.mark.django_db

DEAD_LETTERS = "/api/v1/monitoring/dead-letters"


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


def send(code: str, payload: bytes | Any) -> dict[str, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    answer = mqtt.handle_message(mqtt.readings_topic(code), body)
    return answer.body


def test_an_unreadable_message_is_kept_whole_with_its_reason(gas_a: GasDetector) -> None:
    raw = b'[{"metric": "combustible_gas", "time": '
    answer = send("GAS-A1", raw)
    assert "不是有效的 JSON" in answer["error"]
    letter = DeadLetter.objects.get()
    assert bytes(letter.payload) == raw and letter.payload_size == len(raw) and not letter.truncated
    assert letter.device == gas_a.device and letter.device_code == "GAS-A1" and letter.rejected == 0
    assert letter.topic == "yingji/v1/devices/GAS-A1/readings"
    assert "第 1 行" in letter.reason


def test_only_the_rejected_readings_of_a_message_are_kept(gas_a: GasDetector) -> None:
    answer = send("GAS-A1", [{"metric": "combustible_gas", "time": at(0), "value": 1.0},
                             {"metric": "combustible_gas", "time": at(10), "value": "高"},
                             {"metric": "nonexistent", "time": at(20), "value": 1.0}])
    assert (answer["stored"], answer["rejected"]) == (1, 2)
    letter = DeadLetter.objects.get()
    assert letter.rejected == 2
    assert orjson.loads(bytes(letter.payload)) == [
        {"index": 1, "reading": {"metric": "combustible_gas", "time": at(10), "value": "高"}},
        {"index": 2, "reading": {"metric": "nonexistent", "time": at(20), "value": 1.0}}]
    assert letter.reason.splitlines()[0] == "第 1 条：value 须为数字"
    assert letter.reason.splitlines()[1].startswith("第 2 条：通道不存在或不属于本设备")
    assert Reading.objects.count() == 1


def test_a_redelivered_bad_message_is_counted_not_stored_twice(gas_a: GasDetector) -> None:
    message = [{"metric": "combustible_gas", "time": at(0), "value": 1.0},
               {"metric": "combustible_gas", "time": at(10), "value": None}]
    send("GAS-A1", message)
    again = send("GAS-A1", message)
    assert [r["status"] for r in again["results"]] == ["duplicate", "rejected"]
    letter = DeadLetter.objects.get()
    assert letter.count == 2 and letter.last_received_at >= letter.received_at
    assert Reading.objects.count() == 1


def test_a_good_message_leaves_no_dead_letter(gas_a: GasDetector) -> None:
    send("GAS-A1", {"metric": "combustible_gas", "time": at(0), "value": 1.0})
    assert not DeadLetter.objects.exists()


def test_unknown_device_and_oversized_messages(gas_a: GasDetector, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "设备不存在" in send("NO-SUCH", [{"metric": "x", "time": at(0), "value": 1}])["error"]
    stranger = DeadLetter.objects.get(device_code="NO-SUCH")
    assert stranger.device is None
    monkeypatch.setattr(mqtt, "MAX_PAYLOAD_BYTES", DEAD_LETTER_PAYLOAD_LIMIT)
    huge = b"[" + b" " * DEAD_LETTER_PAYLOAD_LIMIT + b"]"
    assert "消息过大" in send("GAS-A1", huge)["error"]
    big = DeadLetter.objects.get(device=gas_a.device)
    assert big.truncated and big.payload_size == len(huge) and len(bytes(big.payload)) == DEAD_LETTER_PAYLOAD_LIMIT


def test_dead_letters_are_listed_in_scope_and_exported(gas_a: GasDetector, gas_b: GasDetector, people: Any,
                                                       client_for: Any) -> None:
    send("GAS-A1", b"not json")
    send("GAS-B1", b"[1, 2")
    send("NO-SUCH", b"[]")
    mine = client_for(people.officer_a).get(DEAD_LETTERS)
    assert mine.status_code == 200, mine.content
    assert [d["device_code"] for d in mine.json()["items"]] == ["GAS-A1"]
    assert mine.json()["items"][0]["payload"] == "not json"
    admin = client_for(people.admin).get(DEAD_LETTERS).json()
    assert admin["count"] == 3 and {d["device_code"] for d in admin["items"]} == {"GAS-A1", "GAS-B1", "NO-SUCH"}
    only_b = client_for(people.admin).get(DEAD_LETTERS, {"device": gas_b.device.pk}).json()
    assert [d["device_code"] for d in only_b["items"]] == ["GAS-B1"]
    export = client_for(people.officer_a).get(f"{DEAD_LETTERS}/export", {"format": "csv"})
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "GAS-A1" in text and "not json" in text and "GAS-B1" not in text


def test_dead_letters_in_the_admin_are_read_only(gas_a: GasDetector, people: Any, client_for: Any) -> None:
    send("GAS-A1", b"not json")
    letter = DeadLetter.objects.get()
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(people.admin)
    page = client.get(f"/admin/monitoring/deadletter/{letter.pk}/change/")
    assert page.status_code == 200 and "not json" in page.content.decode()
    assert client.get("/admin/monitoring/deadletter/add/").status_code == 403
