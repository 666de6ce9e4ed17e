"""Reading ingestion: batches in, one result per reading, stored once, evaluated in order, never a 500."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.integration.monitoring_support import READINGS, GasDetector, at, batch, gas_detector, post
from yingji.monitoring import ingest
from yingji.monitoring.constants import MAX_READINGS_PER_REQUEST
from yingji.monitoring.models import Alarm, Channel, Reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


def statuses(response: Any) -> list[str]:
    return [r["status"] for r in response.json()["results"]]


def test_json_array_is_stored_with_a_result_per_reading(gas_a: GasDetector) -> None:
    response = post(gas_a.client(), batch(gas_a.channel.pk, [1.0, 2.0, 3.0]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (3, 0, 0)
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    assert list(Reading.objects.filter(channel=gas_a.channel).order_by("time").values_list("value", flat=True)) == [
        1.0, 2.0, 3.0]


def test_ndjson_with_device_code_references(gas_a: GasDetector) -> None:
    lines = [json.dumps(r) for r in batch("GAS-A1/combustible_gas", [4.0, 5.0])]
    response = gas_a.client().post(READINGS, "\n".join(lines) + "\n", content_type="application/x-ndjson")
    assert response.status_code == 200, response.content
    assert statuses(response) == ["stored", "stored"]


def test_resent_batch_stores_nothing_twice(gas_a: GasDetector) -> None:
    readings = batch(gas_a.channel.pk, [1.0, 2.0, 3.0])
    post(gas_a.client(), readings)
    again = post(gas_a.client(), [*readings, *batch(gas_a.channel.pk, [9.0], start_s=30)])
    assert statuses(again) == ["duplicate", "duplicate", "duplicate", "stored"]
    assert Reading.objects.filter(channel=gas_a.channel).count() == 4
    twice_in_one = post(gas_a.client(), batch(gas_a.channel.pk, [7.0], start_s=100) * 2)
    assert statuses(twice_in_one) == ["stored", "duplicate"]


def test_bad_readings_are_rejected_with_their_reason_and_the_rest_stored(gas_a: GasDetector) -> None:
    future = (timezone.now() + timedelta(minutes=10)).isoformat()
    body = [
        {"channel": gas_a.channel.pk, "time": at(0), "value": 1.0},
        {"channel": gas_a.channel.pk, "time": future, "value": 1.0},
        {"channel": gas_a.channel.pk, "time": "2026-11-28T08:00:00", "value": 1.0},
        {"channel": gas_a.channel.pk, "time": at(10), "value": "高"},
        {"channel": gas_a.channel.pk, "time": 1764288000_000_000, "value": 1.0},  # microseconds
        {"channel": 999_999, "time": at(20), "value": 1.0},
        {"channel": gas_a.channel.pk, "time": at(30)},
        "不是对象",
    ]
    response = post(gas_a.client(), body)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored"] + ["rejected"] * 7
    reasons = [r["reason"] for r in results]
    assert "读数时间超前" in reasons[1]
    assert "时区" in reasons[2]
    assert "value 须为数字" in reasons[3]
    assert "秒（10 位）或毫秒（13 位）" in reasons[4]
    assert "通道不存在" in reasons[5]
    assert "value" in reasons[6]
    assert "对象" in reasons[7]


def test_nan_and_infinity_are_rejected_per_reading(gas_a: GasDetector) -> None:
    body = f'[{{"channel": {gas_a.channel.pk}, "time": "{at(0)}", "value": NaN}},' \
           f' {{"channel": {gas_a.channel.pk}, "time": "{at(10)}", "value": Infinity}}]'
    response = post(gas_a.client(), body)
    assert response.status_code == 200, response.content
    assert statuses(response) == ["rejected", "rejected"]
    assert "有限数值" in response.json()["results"][0]["reason"]


def test_late_and_out_of_order_readings_are_stored(gas_a: GasDetector) -> None:
    post(gas_a.client(), batch(gas_a.channel.pk, [1.0, 2.0], start_s=100))
    response = post(gas_a.client(), [*batch(gas_a.channel.pk, [5.0], start_s=50), *batch(gas_a.channel.pk, [3.0])])
    assert statuses(response) == ["stored", "stored"]
    assert Reading.objects.filter(channel=gas_a.channel).count() == 4


def test_device_token_cannot_write_another_devices_channel(gas_a: GasDetector, gas_b: GasDetector) -> None:
    response = post(gas_a.client(), [*batch(gas_b.channel.pk, [1.0]), *batch("GAS-B1/combustible_gas", [2.0])])
    assert response.status_code == 403, response.content
    assert "无权写入" in response.json()["detail"] and "第 0、1 条" in response.json()["detail"]
    assert not Reading.objects.filter(channel=gas_b.channel).exists()


def test_a_mixed_batch_stores_its_own_channels_and_rejects_the_others(gas_a: GasDetector,
                                                                      gas_b: GasDetector) -> None:
    response = post(gas_a.client(), [*batch(gas_b.channel.pk, [1.0]), *batch(gas_a.channel.pk, [2.0])])
    assert response.status_code == 200, response.content
    assert statuses(response) == ["rejected", "stored"]
    assert "不属于本设备" in response.json()["results"][0]["reason"]
    assert not Reading.objects.filter(channel=gas_b.channel).exists()


def test_user_writes_only_channels_in_scope(gas_a: GasDetector, gas_b: GasDetector, people: Any,
                                            token_client_for: Any) -> None:
    client = token_client_for(people.officer_a)
    response = post(client, [*batch(gas_a.channel.pk, [1.0]), *batch(gas_b.channel.pk, [1.0])])
    assert statuses(response) == ["stored", "rejected"]
    assert post(client, batch(gas_b.channel.pk, [1.0], start_s=10)).status_code == 403  # another owner's channel
    auditor = post(token_client_for(people.auditor), batch(gas_a.channel.pk, [1.0], start_s=10))
    assert auditor.status_code == 403  # a read-only role writes nothing
    assert not Reading.objects.filter(channel=gas_b.channel).exists()


def test_unknown_or_revoked_device_token_is_401(gas_a: GasDetector, people: Any) -> None:
    from django.test import Client

    from yingji.monitoring import devices

    assert post(Client(HTTP_AUTHORIZATION="Bearer yjd_nonsense"), batch(gas_a.channel.pk, [1.0])).status_code == 401
    credential = gas_a.device.credentials.get()
    devices.revoke_credential(credential, actor=people.officer_a)
    assert post(gas_a.client(), batch(gas_a.channel.pk, [1.0])).status_code == 401


def test_more_than_ten_thousand_readings_are_refused(gas_a: GasDetector) -> None:
    readings = [{"channel": gas_a.channel.pk, "time": at(i), "value": 1.0} for i in range(MAX_READINGS_PER_REQUEST + 1)]
    response = gas_a.client().post(READINGS, orjson.dumps(readings), content_type="application/json")
    assert response.status_code == 413
    assert "10000" in response.json()["detail"] and "分批" in response.json()["detail"]
    assert not Reading.objects.exists()
    ndjson = b"\n".join(orjson.dumps(r) for r in readings)
    assert gas_a.client().post(READINGS, ndjson, content_type="application/x-ndjson").status_code == 413


def test_ten_thousand_readings_are_accepted(gas_a: GasDetector) -> None:
    readings = [{"channel": gas_a.channel.pk, "time": at(i), "value": 1.0} for i in range(MAX_READINGS_PER_REQUEST)]
    response = gas_a.client().post(READINGS, orjson.dumps(readings), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["stored"] == MAX_READINGS_PER_REQUEST


@pytest.mark.parametrize(("body", "content_type", "status", "expected"), [
    (b'[{"channel": 1, "time": ', "application/json", 400, "第 1 行第 25 列"),
    (b'[\n  {"channel": 1,, "time": "x"}]', "application/json", 400, "第 2 行第 17 列"),
    (b'{"channel": 1, "time": "x", "value": 1}\n{oops', "application/x-ndjson", 400, "第 2 行"),
    (b"\xff\xfe", "application/json", 400, "JSON"),
    (b'{"channel": 1}', "application/json", 422, "JSON 数组"),
    (b"", "application/json", 422, "请求体为空"),
])
def test_malformed_bodies_are_refused_naming_the_position(gas_a: GasDetector, body: bytes, content_type: str,
                                                          status: int, expected: str) -> None:
    response = gas_a.client().post(READINGS, body, content_type=content_type)
    assert response.status_code == status, response.content
    assert expected in response.json()["detail"]
    assert not Reading.objects.exists()


def test_anonymous_ingest_is_401(gas_a: GasDetector, anon_client: Any) -> None:
    assert post(anon_client, batch(gas_a.channel.pk, [1.0])).status_code == 401


def test_series_downsamples_to_at_most_2000_points(gas_a: GasDetector, people: Any, client_for: Any) -> None:
    readings = [{"channel": gas_a.channel.pk, "time": at(i), "value": float(i)} for i in range(5000)]
    assert gas_a.client().post(READINGS, orjson.dumps(readings), content_type="application/json").status_code == 200
    client = client_for(people.officer_a)
    url = f"/api/v1/monitoring/channels/{gas_a.channel.pk}/series"
    response = client.get(url, {"start": at(0), "end": at(5000)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["downsampled"] and 0 < len(body["points"]) <= 2000
    values = [p["value"] for p in body["points"]]
    assert values == sorted(values) and values[0] < 30 and values[-1] > 4970  # minute means of a ramp
    raw = client.get(url, {"start": at(0), "end": at(100)}).json()
    assert not raw["downsampled"] and len(raw["points"]) == 100
    assert client_for(people.officer_b).get(url).status_code == 404
    assert client.get(url, {"start": at(100), "end": at(0)}).status_code == 422


def test_epoch_seconds_and_milliseconds_are_both_read_unambiguously(gas_a: GasDetector) -> None:
    seconds = 1764288000  # 2025-11-28T00:00:00Z
    body = [
        {"channel": gas_a.channel.pk, "time": seconds, "value": 1.0},
        {"channel": gas_a.channel.pk, "time": (seconds + 10) * 1000, "value": 2.0},
        {"channel": gas_a.channel.pk, "time": seconds + 20.5, "value": 3.0},
        {"channel": gas_a.channel.pk, "time": seconds * 1000, "value": 9.0},  # the first instant again, in ms
        {"channel": gas_a.channel.pk, "time": 176428800, "value": 1.0},  # 9 digits: neither
        {"channel": gas_a.channel.pk, "time": seconds * 1_000_000_000, "value": 1.0},  # nanoseconds
        {"channel": gas_a.channel.pk, "time": True, "value": 1.0},
    ]
    response = post(gas_a.client(), body)
    assert statuses(response) == ["stored", "stored", "stored", "duplicate", "rejected", "rejected", "rejected"]
    times = [t.isoformat() for t in Reading.objects.order_by("time").values_list("time", flat=True)]
    assert times == ["2025-11-28T00:00:00+00:00", "2025-11-28T00:00:10+00:00", "2025-11-28T00:00:20.500000+00:00"]
    reasons = [r["reason"] for r in response.json()["results"][4:]]
    assert all("秒（10 位）或毫秒（13 位）" in r for r in reasons[:2]) and "ISO 8601" in reasons[2]


def test_future_epoch_milliseconds_are_rejected(gas_a: GasDetector) -> None:
    ahead = int((timezone.now() + timedelta(minutes=10)).timestamp() * 1000)
    response = post(gas_a.client(), [{"channel": gas_a.channel.pk, "time": ahead, "value": 1.0}])
    assert "读数时间超前" in response.json()["results"][0]["reason"]


def test_a_body_over_the_size_limit_is_413(gas_a: GasDetector, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post(gas_a.client(), batch(gas_a.channel.pk, [1.0] * 50))
    assert response.status_code == 413
    assert "请求体过大" in response.json()["detail"]
    assert not Reading.objects.exists()


def test_values_that_are_not_finite_numbers_are_rejected(gas_a: GasDetector) -> None:
    body = (f'[{{"channel": {gas_a.channel.pk}, "time": "{at(0)}", "value": -Infinity}},'
            f' {{"channel": {gas_a.channel.pk}, "time": "{at(10)}", "value": 1e999}},'
            f' {{"channel": {gas_a.channel.pk}, "time": "{at(20)}", "value": "12.5"}},'
            f' {{"channel": {gas_a.channel.pk}, "time": "{at(30)}", "value": null}},'
            f' {{"channel": {gas_a.channel.pk}, "time": "{at(40)}", "value": [1]}},'
            f' {{"channel": {gas_a.channel.pk}, "time": ["{at(50)}"], "value": 1}},'
            f' {{"channel": {gas_a.channel.pk}, "time": "{at(60)}", "value": 12}}]')
    response = post(gas_a.client(), body)
    assert response.status_code == 200, response.content
    assert statuses(response) == ["rejected"] * 6 + ["stored"]
    reasons = [r["reason"] for r in response.json()["results"]]
    assert "有限数值" in reasons[0] and "有限数值" in reasons[1]
    assert all("value 须为数字" in r for r in reasons[2:5]) and "time" in reasons[5]


def test_a_batch_takes_the_same_number_of_queries_whatever_its_size(people: Any, enterprise_a: Any,
                                                                    django_assert_max_num_queries: Any) -> None:
    """Constant queries per batch: 10 readings of one channel and 1 000 of 20 channels cost the same."""
    detectors = [gas_detector(f"GAS-Q{n:02d}", enterprise_a, people.officer_a) for n in range(20)]
    writer = ingest.Writer(user=people.officer_a)
    small = batch(detectors[0].channel.pk, [1.0] * 10)
    ingest.ingest(batch(detectors[0].channel.pk, [1.0], start_s=-10), writer=writer)  # warm the rules cache
    ingest.ingest([r for d in detectors[1:] for r in batch(d.channel.pk, [1.0], start_s=-10)], writer=writer)
    with CaptureQueriesContext(connection) as small_queries:
        ingest.ingest(small, writer=writer)
    large = [r for d in detectors for r in batch(d.channel.pk, [2.0] * 50, start_s=100)]
    with django_assert_max_num_queries(len(small_queries)):
        assert {r.status for r in ingest.ingest(large, writer=writer)} == {"stored"}
    assert Reading.objects.count() == 20 + 10 + 1000


def test_a_changed_channel_gets_its_new_rules_on_the_next_batch(gas_a: GasDetector, people: Any) -> None:
    post(gas_a.client(), batch(gas_a.channel.pk, [20.0]))
    assert not Alarm.objects.exists()
    channel = Channel.objects.get(pk=gas_a.channel.pk)
    channel.rule_overrides = {"h": 15}  # stricter than the pack's 25 %LEL
    channel.save()
    post(gas_a.client(), batch(gas_a.channel.pk, [20.0], start_s=10))
    assert Alarm.objects.get().level == "H"
