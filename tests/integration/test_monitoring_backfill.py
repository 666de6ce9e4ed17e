"""CSV backfill: row-by-row Chinese report, all or nothing, idempotent, through ingestion, rolled up afterwards."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.integration.monitoring_support import T0, GasDetector, gas_detector
from yingji.core.models import AuditEvent
from yingji.monitoring.backfill import backfill
from yingji.monitoring.models import MinuteRollup, Reading

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/readings/backfill"
EPOCH = int(T0.timestamp())  # 2026-11-28T00:00:00Z

GOOD = (
    "channel,time,value\n"
    "combustible_gas,2026-11-28T08:00:00+08:00,1.5\n"
    f"GAS-F1/combustible_gas,{EPOCH + 10},2.5\n"            # epoch seconds, the code/metric reference
    f"combustible_gas,{(EPOCH + 20) * 1000},3.5\n"           # epoch milliseconds
)
BAD = (
    "通道,时间,数值\n"
    "combustible_gas,2026-11-28T08:00:00+08:00,1.5\n"
    "combustible_gas,2026-11-28 08:00:10,2\n"               # row 3: no offset
    "oxygen,2026-11-28T08:00:20+08:00,3\n"                  # row 4: not a channel of this device
    "combustible_gas,2099-01-01T00:00:00+08:00,4\n"         # row 5: ahead of the clock
    "combustible_gas,2026-11-28T08:00:30+08:00,NaN\n"       # row 6: not finite
    "combustible_gas,2026-11-28T00:00:00Z,5\n"              # row 7: the same instant as row 2
)


@pytest.fixture(autouse=True)
def _no_settle(settings: Any) -> None:
    settings.YINGJI_ROLLUP_SETTLE_SECONDS = 0


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-F1", enterprise_a, people.officer_a)


def run(gas: GasDetector, text: str, encoding: str = "utf-8-sig", **kwargs: Any) -> Any:
    return backfill(io.BytesIO(text.encode(encoding)), "readings.csv", gas.device, actor=None, dry_run=False,
                    **kwargs)


def stored(gas: GasDetector) -> list[tuple[int, float]]:
    return [(int(t.timestamp()) - EPOCH, v) for t, v in
            Reading.objects.filter(channel=gas.channel).order_by("time").values_list("time", "value")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_iso_and_epoch_times_are_stored_once_however_often_the_file_is_run(gas: GasDetector, encoding: str) -> None:
    first = run(gas, GOOD.replace("channel,time,value", "通道,时间,数值"), encoding)
    assert (first.written, first.duplicate, first.error_count) == (3, 0, 0), first.message
    assert stored(gas) == [(0, 1.5), (10, 2.5), (20, 3.5)]
    again = run(gas, GOOD, encoding)
    assert (again.written, again.duplicate) == (0, 3) and "3 条此前已存储" in again.message
    assert len(stored(gas)) == 3


def test_a_file_with_errors_reports_each_row_in_chinese_and_writes_nothing(gas: GasDetector) -> None:
    outcome = run(gas, BAD)
    assert outcome.written == 0 and Reading.objects.count() == 0
    reasons = {e["row"]: e["reason"] for e in outcome.errors}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "缺少时区" in reasons[3]
    assert "没有通道“oxygen”" in reasons[4]
    assert "读数时间超前" in reasons[5]
    assert "有限数值" in reasons[6]
    assert "文件中重复的读数" in reasons[7]
    assert "未写入任何数据" in outcome.message


def test_only_valid_rows_when_asked(gas: GasDetector) -> None:
    outcome = run(gas, BAD, valid_rows_only=True)
    assert (outcome.written, outcome.error_count) == (1, 5)
    assert stored(gas) == [(0, 1.5)]


def test_dry_run_writes_nothing(gas: GasDetector) -> None:
    outcome = backfill(io.BytesIO(GOOD.encode()), "r.csv", gas.device, actor=None, dry_run=True)
    assert (outcome.dry_run, outcome.valid_rows, outcome.written) == (True, 3, 0)
    assert "试运行" in outcome.message and Reading.objects.count() == 0


def test_a_missing_column_is_named(gas: GasDetector) -> None:
    outcome = run(gas, "channel,value\ncombustible_gas,1\n")
    assert outcome.error_count == 1 and "缺少必填列：时间" in outcome.message


def test_command_stores_audits_and_rolls_up(gas: GasDetector, tmp_path: Path, people: Any) -> None:
    path = tmp_path / "history.csv"
    path.write_text(GOOD, encoding="gbk")
    out = StringIO()
    call_command("backfill", str(path), "--device", "GAS-F1", "--user", people.officer_a.username, stdout=out)
    assert "新存储 3 条读数" in out.getvalue() and "汇总完成：本次 3 条读数" in out.getvalue()
    rollup = MinuteRollup.objects.get(channel=gas.channel)
    assert (rollup.count, rollup.min_value, rollup.max_value) == (3, 1.5, 3.5)
    event = AuditEvent.objects.get(action="monitoring.readings.backfill")
    assert event.after == {"file": "history.csv", "stored": 3, "duplicate": 0}
    with pytest.raises(CommandError, match="不在该用户的数据权限范围内"):
        call_command("backfill", str(path), "--device", "GAS-F1", "--user", people.officer_b.username)
    path.write_text(BAD)
    with pytest.raises(CommandError, match="文件有错误"):
        call_command("backfill", str(path), "--device", "GAS-F1", stdout=out, stderr=StringIO())


def test_api_upload_by_an_authorised_user(gas: GasDetector, people: Any, client_for: Any) -> None:
    def upload(user: Any, **form: Any) -> Any:
        return client_for(user).post(URL, {"file": SimpleUploadedFile("r.csv", GOOD.encode()), "device": "GAS-F1",
                                           **form})

    dry = upload(people.officer_a)
    assert dry.status_code == 200, dry.content
    assert (dry.json()["dry_run"], dry.json()["valid_rows"]) == (True, 3) and Reading.objects.count() == 0
    assert upload(people.officer_b, dry_run="false").status_code == 404  # another enterprise's device
    written = upload(people.officer_a, dry_run="false").json()
    assert (written["written"], written["duplicate"], written["errors"]) == (3, 0, [])
