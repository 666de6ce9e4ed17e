"""Channels after creation: added to a device, edited (not their metric once read), validated, scoped, audited,
and in force on the next batch of readings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from yingji.core.models import AuditEvent
from yingji.monitoring import devices
from yingji.monitoring.models import Alarm, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def owner(people: Any, client_for: Any) -> Client:
    return client_for(people.officer_a)


def add_url(gas: GasDetector) -> str:
    return f"/api/v1/monitoring/devices/{gas.device.pk}/channels"


def edit_url(channel: Channel) -> str:
    return f"/api/v1/monitoring/channels/{channel.pk}"


def patch(client: Client, channel: Channel, body: dict[str, Any]) -> Any:
    return client.patch(edit_url(channel), body, content_type="application/json")


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_a_channel_is_added_to_an_existing_device(gas: GasDetector, owner: Client) -> None:
    made = owner.post(add_url(gas), {"metric": "toxic_gas", "unit": "ppm", "range_min": 0, "range_max": 100},
                      content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["metric"] == "toxic_gas" and made.json()["sample_interval_s"] == 30
    assert set(gas.device.channels.values_list("metric", flat=True)) == {"combustible_gas", "toxic_gas"}
    assert AuditEvent.objects.filter(action="monitoring.channel.create", object_id=str(made.json()["id"])).exists()
    again = owner.post(add_url(gas), {"metric": "toxic_gas", "unit": "ppm"}, content_type="application/json")
    assert again.status_code == 422 and gas.device.channels.count() == 2  # a metric comes once per device
    bad = errors(owner.post(add_url(gas), {"metric": "x", "unit": "ppm", "sample_interval_s": 0},
                            content_type="application/json"))
    assert bad["sample_interval_s"] == "采样周期必须为正数"
    missing = owner.post(add_url(gas), {"metric": "oxygen"}, content_type="application/json")
    assert missing.status_code == 422 and "unit" in missing.content.decode()


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"sample_interval_s": -1}, "sample_interval_s", "采样周期必须为正数"),
    ({"unit": ""}, "unit", ""),
    ({"unit": "x" * 17}, "unit", ""),
    ({"sample_interval_s": "often"}, "sample_interval_s", "必须是数字"),
])
def test_bad_edits_name_the_field_and_change_nothing(gas: GasDetector, owner: Client, body: dict[str, Any],
                                                    field: str, words: str) -> None:
    response = patch(owner, gas.channel, body)
    assert response.status_code == 422, response.content
    assert field in response.content.decode() and words in response.content.decode()
    channel = Channel.objects.get(pk=gas.channel.pk)
    assert (channel.unit, channel.sample_interval_s) == ("%LEL", 10)
    assert not AuditEvent.objects.filter(action="monitoring.channel.update").exists()


def test_an_edit_is_audited_and_the_metric_is_kept_once_read(gas: GasDetector, owner: Client) -> None:
    changed = patch(owner, gas.channel, {"unit": "% LEL", "sample_interval_s": 5, "publish_readings": True,
                                         "metric": "combustible_gas_2"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["unit"], changed.json()["sample_interval_s"], changed.json()["publish_readings"],
            changed.json()["metric"]) == ("% LEL", 5, True, "combustible_gas_2")
    event = AuditEvent.objects.get(action="monitoring.channel.update")
    assert event.before["unit"] == "%LEL" and event.after["unit"] == "% LEL"
    patch(owner, gas.channel, {"metric": "combustible_gas"})
    post(gas.client(), batch(gas.channel.pk, [10.0]))
    refused = errors(patch(owner, gas.channel, {"metric": "toxic_gas"}))
    assert refused == {"metric": "该通道已有读数，不能修改指标（如需测量其他指标，请新增通道）"}
    assert patch(owner, gas.channel, {"metric": "combustible_gas", "unit": "%LEL"}).status_code == 200  # unchanged


def test_another_owner_gets_404_and_a_read_only_reader_403(gas: GasDetector, people: Any, client_for: Any) -> None:
    for client, status in ((client_for(people.officer_b), 404), (client_for(people.township_gaosheng), 404),
                           (client_for(people.auditor), 403)):
        assert patch(client, gas.channel, {"unit": "ppm"}).status_code == status
        assert client.post(add_url(gas), {"metric": "toxic_gas", "unit": "ppm"},
                           content_type="application/json").status_code == status
    assert "无权修改" in patch(client_for(people.auditor), gas.channel, {"unit": "ppm"}).json()["detail"]
    assert Channel.objects.get(pk=gas.channel.pk).unit == "%LEL" and Channel.objects.count() == 1


def test_a_retired_device_takes_no_channel_changes(gas: GasDetector, owner: Client, people: Any) -> None:
    devices.retire_device(gas.device, actor=people.officer_a)
    assert "已停用" in errors(patch(owner, gas.channel, {"unit": "ppm"}))["device"]
    assert "已停用" in errors(owner.post(add_url(gas), {"metric": "toxic_gas", "unit": "ppm"},
                                         content_type="application/json"))["device"]


def test_a_new_range_acts_on_the_next_batch(gas: GasDetector, owner: Client) -> None:
    """The rule cache is keyed by the channel's updated_at: saving the channel is enough for ingestion to rebuild."""
    post(gas.client(), batch(gas.channel.pk, [10.0, 120.0]))  # beyond 0–100: a sensor fault (the rules now cached)
    fault = Alarm.objects.get(channel=gas.channel, category="fault")
    assert fault.recovered_at is None
    assert patch(owner, gas.channel, {"range_max": 150}).status_code == 200
    post(gas.client(), batch(gas.channel.pk, [120.0], start_s=30))  # in the new range: the fault ends
    fault.refresh_from_db()
    assert fault.recovered_at is not None
    assert Alarm.objects.filter(channel=gas.channel, category="process", grade=2, recovered_at=None).exists()


def page(gas: GasDetector) -> str:
    return f"/monitoring/devices/{gas.device.pk}/"


def form(**fields: Any) -> dict[str, Any]:
    return {"metric": "combustible_gas", "unit": "%LEL", "range_min": "0", "range_max": "100",
            "sample_interval_s": "10", "design_value": "", **fields}


def test_the_device_page_form_changes_and_adds_channels(gas: GasDetector, owner: Client) -> None:
    editing = owner.get(page(gas) + f"?channel={gas.channel.pk}").content.decode()
    assert 'id="channel-form"' in editing and f'name="channel" value="{gas.channel.pk}"' in editing
    assert 'value="%LEL"' in editing
    done = owner.post(page(gas) + "channels/", form(channel=gas.channel.pk, range_max="150", publish_readings="on"))
    assert done.status_code == 302 and done["Location"].endswith("#channels")
    channel = Channel.objects.get(pk=gas.channel.pk)
    assert (channel.range_max, channel.publish_readings) == (150, True)
    added = owner.post(page(gas) + "channels/", form(metric="toxic_gas", unit="ppm"))
    assert added.status_code == 302 and gas.device.channels.filter(metric="toxic_gas", unit="ppm").exists()


def test_the_form_shows_field_errors_and_keeps_what_was_typed(gas: GasDetector, owner: Client) -> None:
    response = owner.post(page(gas) + "channels/", form(channel=gas.channel.pk, range_max="lots", unit="ppm"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'has-error"><label for="c-range_max">' in body and "必须是数字" in body and 'value="lots"' in body
    missing = owner.post(page(gas) + "channels/", form(channel=gas.channel.pk, unit="", sample_interval_s=""))
    body = missing.content.decode()
    assert missing.status_code == 422 and 'has-error"><label for="c-sample_interval_s">' in body
    post(gas.client(), batch(gas.channel.pk, [10.0]))
    locked = owner.post(page(gas) + "channels/", form(channel=gas.channel.pk, metric="toxic_gas"))
    assert locked.status_code == 422 and "不能修改指标" in locked.content.decode()
    assert Channel.objects.get(pk=gas.channel.pk).unit == "%LEL"  # nothing of a refused form is saved


def test_the_form_is_only_for_those_who_may_change_the_device(gas: GasDetector, people: Any,
                                                              client_for: Any) -> None:
    reader = client_for(people.auditor)
    assert 'id="channel-form"' not in reader.get(page(gas)).content.decode()
    refused = reader.post(page(gas) + "channels/", form(channel=gas.channel.pk, unit="ppm"))
    assert refused.status_code == 422 and "无权修改" in refused.content.decode()
    assert client_for(people.officer_b).post(page(gas) + "channels/", form(unit="ppm")).status_code == 404
    assert Channel.objects.get(pk=gas.channel.pk).unit == "%LEL" and Channel.objects.count() == 1
