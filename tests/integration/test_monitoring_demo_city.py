"""The demo's city devices: a school's fire alarm panel, a manhole methane detector and a bridge sensor, whose
scripted episodes raise real alarms through ingestion."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from yingji.core.demo import EDUCATION, TRANSPORT
from yingji.monitoring.demo.loader import BRIDGE_DEVICE, EPISODE_OF, MANHOLE_DEVICE, SCHOOL_PANEL
from yingji.monitoring.ingest import Writer, ingest
from yingji.monitoring.models import Alarm, Channel, Device
from yingji.monitoring.simulator import SimChannel, Simulator, episode_window

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def loaded() -> None:
    call_command("demo", "--load-only", stdout=StringIO())


def test_city_devices_are_loaded_with_their_owners(loaded: None) -> None:
    panel = Device.objects.get(code=SCHOOL_PANEL)
    assert panel.device_type == "smoke_detector" and panel.owner_department.code == EDUCATION
    assert sorted(panel.channels.values_list("metric", flat=True)) == ["smoke_alarm", "smoke_fault"]
    assert Device.objects.get(code=MANHOLE_DEVICE).device_type == "manhole_gas_detector"
    bridge = Device.objects.get(code=BRIDGE_DEVICE)
    assert bridge.owner_department.code == TRANSPORT
    assert bridge.channels.get().design_value == 50
    references = {c.reference for c in Channel.objects.filter(device__is_demo=True).select_related("device")}
    assert set(EPISODE_OF) <= references  # every scripted episode plays on a channel that exists


@pytest.mark.parametrize(("code", "metric", "episode", "levels"), [
    (SCHOOL_PANEL, "smoke_alarm", "school_fire", {"H"}),
    (MANHOLE_DEVICE, "methane", "manhole_gas", {"H", "HH"}),
    (BRIDGE_DEVICE, "bridge_deflection", "bridge_overload", {"H"}),
])  # fmt: skip
def test_episode_through_ingestion_raises_one_alarm_that_recovers(loaded: None, code: str, metric: str, episode: str,
                                                                  levels: set[str]) -> None:
    channel = Channel.objects.select_related("device").get(device__code=code, metric=metric)
    begin, end = episode_window(episode)
    start = timezone.now() - timedelta(seconds=end + 300)
    sim = Simulator([SimChannel(channel.reference, metric, channel.sample_interval_s, design=channel.design_value,
                                episode=episode)], seed=0, start=start)
    writer = Writer(device_id=channel.device_id)
    seen: set[str] = set()
    for sample in sim.samples(channel.reference, end + 240):
        if sample.value is None or sample.offset_s < begin - 300:
            continue
        item = {"channel": channel.reference, "time": sim.time_of(sample).isoformat(), "value": sample.value}
        assert ingest([item], writer=writer)[0].status == "stored"
        alarm = Alarm.objects.filter(channel=channel).first()
        if alarm is not None:
            seen.add(alarm.level)
    alarms = list(Alarm.objects.filter(channel=channel))
    assert len(alarms) == 1 and seen == levels
    assert alarms[0].recovered_at is not None
