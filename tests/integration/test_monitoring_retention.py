"""Retention: old raw readings and rollups go in chunks; unrolled readings and open alarms' windows stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.integration.monitoring_support import T0, GasDetector, at, gas_detector
from yingji.monitoring import ingest, rollups
from yingji.monitoring.models import Alarm, AlarmStatus, HourRollup, MinuteRollup, Reading
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
    assert apply_retention(now=NOW, policy=POLICY) == type(run)(0, 0, 0)  # nothing more to do


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
    assert "原始读数 1 条，分钟汇总 0 条" in out.getvalue()  # last month's reading; its minute is kept 180 days
    store(gas, [recent + 60])
    call_command("monitoring_tick", stdout=out)
    assert "汇总完成：本次 1 条读数" in out.getvalue() and MinuteRollup.objects.filter(channel=gas.channel).count() == 3
