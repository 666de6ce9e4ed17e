"""Demo devices from `yingji demo`, their recomputable tokens, and the gas leak raising real alarms."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from yingji.monitoring.demo import runner as demo_runner
from yingji.monitoring.demo.loader import LEAK_DEVICE, demo_token
from yingji.monitoring.devices import device_for_token
from yingji.monitoring.ingest import Writer, ingest
from yingji.monitoring.models import Alarm, Channel, Device, DeviceCredential, Reading
from yingji.monitoring.rule_binding import build_rules
from yingji.monitoring.simulator import LEAK_LEVEL1_AT_S, LEAK_LEVEL2_AT_S, SimChannel, Simulator
from yingji.notify import worker as notify_worker

pytestmark = pytest.mark.django_db(transaction=False)


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return run_demo()


def test_demo_devices_with_channels_rules_and_tokens(loaded: str) -> None:
    devices = Device.objects.filter(is_demo=True)
    types = set(devices.values_list("device_type", flat=True))
    assert {"combustible_gas_detector", "toxic_gas_detector", "storage_tank", "water_main_monitor",
            "ev_charging_pile"} <= types
    assert "监测设备" in loaded
    for device in devices.prefetch_related("channels"):
        channels = list(device.channels.all())
        assert channels, device.code
        for channel in channels:
            assert 10 <= channel.sample_interval_s <= 60
            channel.full_clean()
            build_rules(channel)
        assert DeviceCredential.objects.filter(device=device).count() == 1
        assert device_for_token(demo_token(device.code)) == device
    park = devices.filter(device_type="combustible_gas_detector")
    assert park.exists() and all(d.enterprise and d.enterprise.in_chemical_park for d in park)
    assert set(devices.filter(device_type="water_main_monitor").values_list("admin_area__name", flat=True)) == {
        "太平街道"}


def test_second_run_replaces_devices_even_with_readings_and_alarms(loaded: str) -> None:
    codes = sorted(Device.objects.filter(is_demo=True).values_list("code", flat=True))
    channel = Channel.objects.get(device__code=LEAK_DEVICE)
    now = timezone.now()
    ingest([{"channel": channel.reference, "time": (now - timedelta(seconds=20 - i * 10)).isoformat(),
             "value": v} for i, v in enumerate((1.0, 60.0))], writer=Writer(device_id=channel.device_id))
    assert Alarm.objects.filter(channel=channel).exists()
    run_demo()
    assert sorted(Device.objects.filter(is_demo=True).values_list("code", flat=True)) == codes
    assert not Alarm.objects.exists() and not Reading.objects.exists()
    assert Channel.objects.count() >= len(codes)
    device = Device.objects.get(code=LEAK_DEVICE)
    assert device_for_token(demo_token(LEAK_DEVICE)) == device


def test_the_gas_leak_through_ingestion_raises_level_1_then_2_then_recovers(loaded: str) -> None:
    channel = Channel.objects.get(device__code=LEAK_DEVICE)
    start = timezone.now() - timedelta(hours=1)
    sim = Simulator([SimChannel(channel.reference, channel.metric, channel.sample_interval_s, episode="leak")],
                    seed=0, start=start)
    writer = Writer(device_id=channel.device_id)
    seen: list[tuple[float, str, int, bool]] = []
    for sample in sim.samples(channel.reference, 400):
        if sample.value is None:
            continue
        item = {"channel": channel.reference, "time": sim.time_of(sample).isoformat(), "value": sample.value}
        assert ingest([item], writer=writer)[0].status == "stored"
        alarm = Alarm.objects.filter(channel=channel).first()
        if alarm is not None:
            seen.append((sample.offset_s, alarm.level, alarm.grade, alarm.recovered_at is not None))
    assert Alarm.objects.filter(channel=channel).count() == 1  # one episode, escalated in place
    first_h = next(t for t, level, _, _ in seen if level == "H")
    first_hh = next(t for t, level, _, _ in seen if level == "HH")
    assert LEAK_LEVEL1_AT_S <= first_h < LEAK_LEVEL1_AT_S + 10
    assert LEAK_LEVEL2_AT_S <= first_hh < LEAK_LEVEL2_AT_S + 10
    assert any(grade == 2 for _, _, grade, _ in seen)
    assert seen[-1][3]  # recovered


def test_simulate_once_posts_a_batch_per_device_with_its_token(loaded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    calls: list[str] = []

    def post(url: str, token: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
        calls.append(token)
        response = client.post("/api/v1/monitoring/readings", readings, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        answer: dict[str, Any] = response.json()
        return answer

    monkeypatch.setattr(demo_runner, "http_post", post)
    out = StringIO()
    call_command("simulate", "--once", stdout=out)
    devices = Device.objects.filter(is_demo=True).count()
    assert len(calls) <= devices and len(calls) >= devices - 3  # a device whose first sample dropped out
    assert Reading.objects.count() >= len(calls)
    assert "拒绝 0" in out.getvalue() and "拒绝 1" not in out.getvalue()


def test_simulate_retries_then_gives_up_when_the_server_is_down(loaded: str) -> None:
    with pytest.raises(Exception, match="服务器不可用"):
        call_command("simulate", "--once", "--url", "http://127.0.0.1:9", "--retries", "0", stdout=StringIO())


def test_demo_serving_starts_the_simulator_unless_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    from yingji.core.management.commands import serve

    started: list[str] = []
    monkeypatch.setattr(serve.Command, "handle", lambda self, *a, **o: None)
    monkeypatch.setattr(demo_runner, "start_in_background", lambda url: started.append(url) or "模拟器：测试")
    monkeypatch.setattr(notify_worker, "start_in_background", lambda url: "通知：测试")  # no worker thread left
    out = StringIO()
    call_command("demo", "--port", "8124", "--no-ticks", stdout=out)
    assert started == ["http://127.0.0.1:8124"] and "模拟器：测试" in out.getvalue()
    call_command("demo", "--port", "8124", "--no-simulator", "--no-ticks", stdout=StringIO())
    assert len(started) == 1
