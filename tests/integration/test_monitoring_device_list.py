"""The device list page (scoped, filtered, paginated, live status) and the instrument-list import page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from yingji.core.models import AuditEvent
from yingji.monitoring import devices
from yingji.monitoring.models import Channel, Device

pytestmark = pytest.mark.django_db

LIST = "/monitoring/devices/"
IMPORT = "/monitoring/devices/import/"


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


def listed(client: Any, query: str = "") -> dict[str, str]:
    """The device codes on the page with their live status."""
    response = client.get(LIST + query)
    assert response.status_code == 200, response.content
    body = response.content.decode()
    rows = re.findall(r'<tr data-device="\d+" data-live="(\w+)">.*?<a href="/monitoring/devices/\d+/">([^<]+)</a>',
                      body, re.S)
    return {code: live for live, code in rows}


def test_the_list_is_scoped_like_the_api(gas_a: GasDetector, gas_b: GasDetector, people: Any,
                                         client_for: Any) -> None:
    assert listed(client_for(people.officer_a)) == {"GAS-A1": "normal"}
    assert listed(client_for(people.officer_b)) == {"GAS-B1": "normal"}
    assert listed(client_for(people.admin)) == {"GAS-A1": "normal", "GAS-B1": "normal"}
    assert listed(client_for(people.township_taiping)) == {"GAS-A1": "normal"}  # enterprise A is in 太平
    assert listed(client_for(people.township_gaosheng)) == {"GAS-B1": "normal"}
    assert listed(client_for(people.education_officer)) == {}  # supervises schools, not enterprises
    for user in (people.officer_a, people.admin, people.township_taiping, people.emergency_officer, people.auditor):
        client = client_for(user)
        api = client.get("/api/v1/monitoring/devices").json()
        assert set(listed(client)) == {d["code"] for d in api["items"]}, user


def test_filters_and_live_status(gas_a: GasDetector, gas_b: GasDetector, people: Any, enterprise_a: Any,
                                 client_for: Any) -> None:
    admin = client_for(people.admin)
    post(gas_a.client(), batch(gas_a.channel.pk, [10.0, 55.0]))  # over 50 %LEL: second-level alarm
    post(gas_b.client(), batch(gas_b.channel.pk, [10.0, 101.0]))  # beyond the 0–100 range: sensor fault
    devices.create_device({"code": "TK-A9", "name": "3号储罐", "device_type": "storage_tank",
                           "enterprise_id": enterprise_a.pk}, actor=people.officer_a)
    devices.update_device(Device.objects.get(code="TK-A9"), {"status": "maintenance"}, actor=people.officer_a)
    assert listed(admin) == {"GAS-A1": "alarm2", "GAS-B1": "fault", "TK-A9": "maintenance"}
    assert listed(admin, f"?enterprise={enterprise_a.pk}") == {"GAS-A1": "alarm2", "TK-A9": "maintenance"}
    assert listed(admin, "?device_type=storage_tank") == {"TK-A9": "maintenance"}
    assert listed(admin, "?status=maintenance") == {"TK-A9": "maintenance"}
    assert listed(admin, "?live=fault") == {"GAS-B1": "fault"}
    assert listed(admin, "?live=alarm2") == {"GAS-A1": "alarm2"}
    assert listed(admin, "?q=gas-b") == {"GAS-B1": "fault"}  # code, any case
    assert listed(admin, "?q=储罐") == {"TK-A9": "maintenance"}  # name
    assert listed(admin, "?enterprise=x&page=99") == listed(admin)  # nonsense narrows nothing, never a 500
    page = admin.get(LIST).content.decode()
    assert 'class="live-pill live-alarm2">二级报警<' in page and "/monitoring/devices/import/" in page
    assert 'href="/monitoring/devices/"' in admin.get("/monitoring/alarms/").content.decode()  # console and nav


def test_the_list_is_paginated(people: Any, enterprise_a: Any, client_for: Any) -> None:
    for n in range(55):
        devices.create_device({"code": f"GT-{n:03d}", "name": f"探测器 {n}", "device_type": "combustible_gas_detector",
                               "enterprise_id": enterprise_a.pk}, actor=people.officer_a)
    officer = client_for(people.officer_a)
    first, second = listed(officer), listed(officer, "?page=2")
    assert (len(first), len(second)) == (50, 5) and "GT-054" in second and "GT-000" in first
    assert "第 1 / 2 页" in officer.get(LIST).content.decode()
    assert "page=2" in officer.get(LIST + "?q=GT").content.decode()


HEADER = "设备编码,设备名称,设备类型,所属企业,安装位置,指标,单位,量程下限,量程上限,采样周期（秒）,设计值\n"
GOOD = HEADER + (
    "TK-101,1号储罐,储罐,,罐区 T-101,tank_level,m,0,20,30,15\n"
    "TK-101,,,,,combustible_gas,%LEL,0,100,10,\n"
    "GT-201,可燃气体探测器,可燃气体探测器,,泵房,combustible_gas,%LEL,0,100,,\n"
)


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("仪表清单.csv", text.encode("gbk"))


def test_the_import_page_checks_then_writes(people: Any, enterprise_a: Any, client_for: Any) -> None:
    officer = client_for(people.officer_a)
    page = officer.get(IMPORT).content.decode()
    assert "试运行" in page and "设备编码" in page and "储罐液位、温度、压力必填" in page  # the columns explained
    bad = GOOD + ("TK-102,2号储罐,储罐,,,tank_level,m,0,20,-5,10\n"  # row 5: a sampling period must be positive
                  "TK-103,3号储罐,储罐,,,tank_level,m,0,20,30,\n")  # row 6: a tank level needs its design value
    for dry_run in ("on", None):
        form = {"file": upload(bad), **({"dry_run": dry_run} if dry_run else {})}
        body = officer.post(IMPORT, form).content.decode()
        assert "发现错误，未写入任何数据" in body
        assert re.search(r"<td>5</td><td>采样周期（秒）</td><td>-5</td><td>[^<]+</td>", body), body
        assert re.search(r"<td>6</td><td></td><td></td><td>储罐液位的阈值按设计最高液位的比例设定", body), body
        assert not Device.objects.exists() and not Channel.objects.exists()
    checked = officer.post(IMPORT, {"file": upload(GOOD), "dry_run": "on"}).content.decode()
    assert "试运行通过，可以正式导入" in checked and not Device.objects.exists()
    done = officer.post(IMPORT, {"file": upload(GOOD)}).content.decode()
    assert "已导入 2 台设备、3 个通道" in done
    assert set(Device.objects.values_list("code", "enterprise_id")) == {("TK-101", enterprise_a.pk),
                                                                          ("GT-201", enterprise_a.pk)}
    assert AuditEvent.objects.filter(action="monitoring.device.import").count() == 1
    assert "请选择" in officer.post(IMPORT, {}).content.decode()
    unreadable = officer.post(IMPORT, {"file": SimpleUploadedFile("x.pdf", b"%PDF")}).content.decode()
    assert "文件无法导入" in unreadable and Device.objects.count() == 2
