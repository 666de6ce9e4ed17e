"""Importing an instrument list: one row per channel, devices grouped by code, all or nothing, in scope."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.models import AuditEvent
from yingji.monitoring.device_import import import_devices
from yingji.monitoring.models import Channel, Device

pytestmark = pytest.mark.django_db
HEADER = ("设备编码,设备名称,设备类型,所属企业,厂商,安装位置,经度,纬度,"
          "指标,单位,量程下限,量程上限,采样周期（秒）,设计值\n")
GOOD = HEADER + (
    "TK-101,1号储罐,储罐,,华为,罐区 T-101,121.95,41.12,tank_level,m,0,20,30,15\n"
    "TK-101,,,,,,,,tank_temperature,°C,-20,100,60,50\n"
    "TK-101,1号储罐,storage_tank,,,,,,combustible_gas,%LEL,0,100,10,\n"
    "GT-201,可燃气体探测器,可燃气体探测器,,,泵房,,,combustible_gas,%LEL,0,100,,\n"
)


def run(text: str, actor: Any, **kwargs: Any) -> Any:
    return import_devices(io.BytesIO(text.encode("gbk")), "仪表清单.csv", actor=actor, dry_run=False, **kwargs)


def test_one_row_per_channel_makes_devices_with_their_channels(people: Any, enterprise_a: Any) -> None:
    outcome = run(GOOD, people.officer_a)
    assert outcome.error_count == 0, outcome.errors
    assert "已导入 2 台设备、4 个通道" in outcome.message
    tank = Device.objects.get(code="TK-101")
    assert (tank.name, tank.device_type, tank.enterprise_id, tank.vendor) == ("1号储罐", "storage_tank",
                                                                            enterprise_a.pk, "华为")
    assert {(c.metric, c.sample_interval_s, c.design_value) for c in tank.channels.all()} == {
        ("tank_level", 30, 15), ("tank_temperature", 60, 50), ("combustible_gas", 10, None)}
    assert Channel.objects.get(device__code="GT-201").sample_interval_s == 30  # blank → the default
    assert AuditEvent.objects.filter(action="monitoring.channel.create").count() == 4
    assert AuditEvent.objects.get(action="monitoring.device.import").after == {
        "file": "仪表清单.csv", "devices": 2, "channels": 4}


def test_errors_are_reported_by_row_and_nothing_is_written(people: Any, enterprise_b: Any) -> None:
    text = GOOD + (
        "TK-101,2号储罐,,,,,,,tank_pressure,MPa,0,2,30,1.6\n"        # row 6: name differs from row 2
        "TK-102,2号储罐,储罐,,,,,,tank_level,m,0,20,30,\n"           # row 7: a tank level needs its design value
        "GT-202,探测器,烟感,,,,,,smoke,,,,,\n"                       # row 8: unknown type, no unit
        f"GT-203,乙公司探测器,可燃气体探测器,{enterprise_b.name},,,,,combustible_gas,%LEL,0,100,10,\n"  # row 9
        "GT-201,可燃气体探测器,可燃气体探测器,,,,,,combustible_gas,%LEL,0,100,10,\n"  # row 10: metric repeated
    )
    outcome = run(text, people.officer_a)
    assert outcome.written == 0 and not Device.objects.exists()
    by_row: dict[int, list[str]] = {}
    for e in outcome.errors:
        by_row.setdefault(e["row"], []).append(e["reason"])
    assert set(by_row) == {6, 7, 8, 9, 10}
    assert "不一致" in by_row[6][0] and "1号储罐" in by_row[6][0]
    assert by_row[7] == ["储罐液位的阈值按设计最高液位的比例设定，须提供正的设计最高液位"]
    assert any("不是有效的设备类型" in r for r in by_row[8]) and any("必填" in r for r in by_row[8])
    assert "超出您的数据权限范围" in by_row[9][0]
    assert "重复出现" in by_row[10][0]
    assert "未写入任何数据" in outcome.message
    partial = run(text, people.officer_a, valid_rows_only=True)
    assert partial.written == 4 and set(Device.objects.values_list("code", flat=True)) == {"TK-101", "GT-201"}
    again = run(GOOD, people.officer_a)
    assert again.written == 0 and "已登记" in again.errors[0]["reason"]


def test_excel_upload_through_the_api(people: Any, enterprise_a: Any, client_for: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(people.officer_a)
    url = "/api/v1/monitoring/devices/import"
    dry = client.post(url, {"file": SimpleUploadedFile("list.xlsx", buffer.getvalue())})
    assert dry.status_code == 200, dry.content
    assert (dry.json()["dry_run"], dry.json()["valid_rows"], Device.objects.count()) == (True, 4, 0)
    done = client.post(url, {"file": SimpleUploadedFile("list.xlsx", buffer.getvalue()), "dry_run": "false"})
    assert done.json()["written"] == 4 and Device.objects.count() == 2
    read_only = client_for(people.auditor).post(url, {"file": SimpleUploadedFile("list.xlsx", buffer.getvalue()),
                                                      "dry_run": "false"}).json()
    assert read_only["written"] == 0 and read_only["error_count"] > 0
