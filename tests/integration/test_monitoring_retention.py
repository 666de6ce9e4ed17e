"""Retention: old raw readings and rollups go in chunks; unrolled readings and open alarms' windows stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.integration.monitoring_support import T0, GasDetector, at, gas_detector
from yingji.monitoring import dead_letters, ingest, rollups
from yingji.monitoring.models import Alarm, AlarmStatus, DeadLetter, HourRollup, MinuteRollup, Reading
from yingji.monitoring.retention import RetentionPolicy, apply_retention

pytestmark = pytest.mark.django_db
DAY = 86400
NOW = T0  # "now" for the policy: readings are placed days before it
POLICY = RetentionPolicy(raw=timedelta(days=10), minute=timedelta(days=20), hour=timedelta(days=30))


@pytest.fixture(autouse=True)
def _no_settle(settings: Any) -> None:
    settings.YINGJI_ROLLUP_SETTLE_SECONDS = 0


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-K1", enterprise_a, people.officer_a)


def store(gas: GasDetector, seconds: list[float]) -> None:
    items = [{"channel": gas.channel.pk, "time": at(s), "value": 1.0} for s in seconds]
    assert {r.status for r in ingest.ingest(items, writer=ingest.Writer(device_id=gas.device.pk))} == {"stored"}


def kept_days(gas: GasDetector) -> list[int]:
    return sorted(round((t - T0).total_seconds() / DAY)
                  for t in Reading.objects.filter(channel=gas.channel).values_list("time", flat=True))


def test_each_resolution_is_kept_for_its_own_time(gas: GasDetector) -> None:
    store(gas, [-d * DAY for d in (35, 25, 15, 5)])
    rollups.roll_up()
    run = apply_retention(now=NOW, policy=POLICY, chunk=1)
    assert (run.readings, run.minute_rollups, run.hour_rollups) == (3, 2, 1)
    assert kept_days(gas) == [-5]
    assert MinuteRollup.objects.filter(channel=gas.channel).count() == 2  # days -15 and -5
    assert HourRollup.objects.filter(channel=gas.channel).count() == 3  # days -25, -15, -5
    assert apply_retention(now=NOW, policy=POLICY) == type(run)(0, 0, 0, 0)  # nothing more to do


def test_readings_not_yet_rolled_up_are_never_deleted(gas: GasDetector) -> None:
    store(gas, [-15 * DAY])
    rollups.roll_up()
    store(gas, [-14 * DAY])  # late, not rolled up yet
    assert apply_retention(now=NOW, policy=POLICY).readings == 1
    assert kept_days(gas) == [-14]
    rollups.roll_up()
    assert apply_retention(now=NOW, policy=POLICY).readings == 1
    assert kept_days(gas) == []


def test_an_open_alarms_window_is_kept_until_the_alarm_is_closed(gas: GasDetector, people: Any) -> None:
    # readings every 30 min from day -15 for 4 hours; the alarm fired 2 h in: kept from 1 h before it
    store(gas, [-15 * DAY + k * 1800 for k in range(9)])
    rollups.roll_up()
    fired = T0 + timedelta(seconds=-15 * DAY + 7200)
    alarm = Alarm.objects.create(channel=gas.channel, rule_id="gas.high", level="H", category="process",
                                 message="可燃气体浓度超限（一级）", first_at=fired, last_at=fired,
                                 recovered_at=fired + timedelta(minutes=30), status=AlarmStatus.ACKNOWLEDGED)
    assert apply_retention(now=NOW, policy=POLICY).readings == 2  # 0 h and 0.5 h
    assert len(kept_days(gas)) == 7
    Alarm.objects.filter(pk=alarm.pk).update(status=AlarmStatus.CLOSED)
    assert apply_retention(now=NOW, policy=POLICY).readings == 7


def test_commands_roll_up_and_apply_retention(gas: GasDetector, settings: Any) -> None:
    settings.YINGJI_RETENTION_RAW_DAYS = 1
    recent = (timezone.now() - T0).total_seconds() - 3600  # an hour ago, in seconds from T0
    store(gas, [recent - 30 * DAY, recent])
    out = StringIO()
    call_command("rollup", stdout=out)
    assert "本次 2 条读数" in out.getvalue()
    call_command("retention", stdout=out)
    # last month's reading; its minute is kept 180 days
    assert "原始读数 1 条，分钟汇总 0 条" in out.getvalue() and "死信 0 条" in out.getvalue()
    store(gas, [recent + 60])
    call_command("monitoring_tick", stdout=out)
    assert "汇总完成：本次 1 条读数" in out.getvalue() and MinuteRollup.objects.filter(channel=gas.channel).count() == 3


def letter(topic: str, received_days_ago: float, last_days_ago: float) -> DeadLetter:
    found = dead_letters.record(topic=topic, payload=b"{not json", reason="JSON 无法解析", device_code="GAS-K1")
    DeadLetter.objects.filter(pk=found.pk).update(received_at=NOW - timedelta(days=received_days_ago),
                                                  last_received_at=NOW - timedelta(days=last_days_ago))
    return found


def test_dead_letters_go_when_last_received_before_their_horizon() -> None:
    policy = RetentionPolicy(raw=timedelta(days=10), minute=timedelta(days=20), hour=timedelta(days=30),
                             dead_letters=timedelta(days=30))
    letter("yingji/v1/devices/A/readings", 40, 31)  # gone: last seen 31 days ago
    kept = letter("yingji/v1/devices/B/readings", 40, 29)  # first seen long ago, but the device still repeats it
    letter("yingji/v1/devices/C/readings", 30, 30)  # exactly at the horizon: kept
    assert apply_retention(now=NOW, policy=policy, chunk=1).dead_letters == 1
    assert sorted(DeadLetter.objects.values_list("topic", flat=True)) == [
        "yingji/v1/devices/B/readings", "yingji/v1/devices/C/readings"]
    assert DeadLetter.objects.filter(pk=kept.pk).exists()


def test_dead_letter_retention_defaults_to_30_days_and_is_configurable(settings: Any) -> None:
    assert RetentionPolicy.from_settings().dead_letters == timedelta(days=30)
    settings.YINGJI_RETENTION_DEAD_LETTER_DAYS = 7
    assert RetentionPolicy.from_settings().dead_letters == timedelta(days=7)


def test_the_tick_purges_old_dead_letters(settings: Any) -> None:
    old = dead_letters.record(topic="yingji/v1/devices/X/readings", payload=b"[", reason="JSON 无法解析")
    DeadLetter.objects.filter(pk=old.pk).update(last_received_at=timezone.now() - timedelta(days=31))
    dead_letters.record(topic="yingji/v1/devices/Y/readings", payload=b"[", reason="JSON 无法解析")
    out = StringIO()
    call_command("monitoring_tick", stdout=out)
    assert "死信 1 条" in out.getvalue()
    assert list(DeadLetter.objects.values_list("topic", flat=True)) == ["yingji/v1/devices/Y/readings"]
