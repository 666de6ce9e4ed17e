"""Live monitoring pages: the alarm console receives, acknowledges, assigns and closes an alarm; the device
page charts its readings; the map colours a device in alarm. Served over ASGI so the event stream works."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from yingji.monitoring import devices, ingest
from yingji.monitoring.models import Alarm, Device

from .conftest import screenshot, sign_in, wait_js
from .data import BrowserData

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"


def detector(data: BrowserData, code: str = "GAS-甲-01") -> Device:
    """A combustible-gas detector of the first enterprise, owned by the officer's department (so in his scope)."""
    firm = data.enterprises[0]
    return devices.create_device_with_channels(
        {"code": code, "name": "罐区可燃气体探测器", "device_type": "combustible_gas_detector", "enterprise": firm,
         "owner_department": data.emergency, "admin_area": firm.admin_area, "installation_point": "T-101 防火堤",
         "longitude": firm.longitude + 0.0003, "latitude": firm.latitude + 0.0002},
        [{"metric": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100, "sample_interval_s": 10}],
        actor=data.admin,
    )


def report(device: Device, values: list[float], *, start: Any = None, step_s: float = 10) -> None:
    """Readings through the ingestion service, as the device would send them (raises alarms, publishes events)."""
    start = start or timezone.now() - timedelta(seconds=step_s * len(values))
    channel = device.channels.get()
    items = [{"channel": channel.pk, "time": (start + timedelta(seconds=i * step_s)).isoformat(), "value": v}
             for i, v in enumerate(values)]
    results = ingest.ingest(items, writer=ingest.Writer(device_id=device.pk))
    assert all(r.status == "stored" for r in results), results


def test_console_receives_acknowledges_assigns_and_closes_an_alarm_live(page: Any, asgi_url: str,
                                                                         data: BrowserData) -> None:
    device = detector(data)
    sign_in(page, asgi_url, data.officer.username)
    page.goto(f"{asgi_url}/monitoring/alarms/")
    assert page.locator("h1").inner_text() == "报警控制台"
    wait_js(page, "document.getElementById('alarm-table').dataset.ready === 'true'")
    wait_js(page, "window.yingjiConsole.state.streamOpen === true")
    assert page.locator("#alarm-empty").is_visible()
    page.click("#sound-toggle")  # the one gesture browsers need before a page may play sound
    assert page.evaluate("window.yingjiConsole.state.sound") is True
    beeps = page.evaluate("window.yingjiConsole.state.beeps")

    report(device, [10.0, 31.0])  # 31 %LEL: level 1 (GB/T 50493-2019), raised while the page is open
    wait_js(page, "document.querySelectorAll('#alarm-rows tr').length === 1")
    row = page.locator("#alarm-rows tr").first
    alarm = Alarm.objects.get()
    assert row.get_attribute("data-id") == str(alarm.pk)
    assert "flash" in (row.get_attribute("class") or "") and "unacked" in (row.get_attribute("class") or "")
    assert page.evaluate("window.yingjiConsole.state.beeps") == beeps + 1
    assert "罐区可燃气体探测器" in row.inner_text() and "待确认" in row.inner_text()
    box = row.locator("button[data-act=ack]").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # touch-sized
    screenshot(page, "alarm_console_new_alarm")

    row.locator("button[data-act=ack]").click()
    wait_js(page, "document.querySelector('#alarm-rows tr .status-pill').textContent === '已确认'")
    page.locator("#alarm-rows tr button[data-act=assign]").click()
    wait_js(page, "document.querySelectorAll('#assignee option').length > 1")
    page.select_option("#assignee", str(data.officer.pk))
    page.click("#assign-form button[type=submit]")
    wait_js(page, "document.querySelector('#alarm-rows tr .status-pill').textContent === '处置中'")
    assert data.officer.full_name in page.locator("#alarm-rows tr").first.inner_text()
    wait_js(page, f"document.querySelector('#panel-body dl').textContent.includes('{data.officer.full_name}')")

    page.fill("#note-form textarea", "现场复测 28 %LEL，已关闭 T-101 进料阀")
    page.set_input_files("#note-photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#note-form button[type=submit]")
    wait_js(page, "document.querySelectorAll('#panel-body .notes img').length === 1")
    wait_js(page, "document.querySelector('#panel-body .notes img').naturalWidth === 1")  # served and decoded
    screenshot(page, "alarm_console_panel")

    page.fill("#close-cause", "探头受潮漂移")
    page.fill("#close-measures", "烘干并标定探头，复测正常")
    page.check("#close-false")
    page.click("#close-form button[type=submit]")
    wait_js(page, "document.querySelectorAll('#alarm-rows tr').length === 0")  # the list shows open alarms
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm, alarm.assignee, alarm.acknowledged_by) == (
        "closed", True, data.officer, data.officer)
    assert alarm.notes.get().photos.count() == 1

    page.select_option("#f-status", "closed")
    wait_js(page, "document.querySelectorAll('#alarm-rows tr').length === 1")
    screenshot(page, "alarm_console_closed")

    page.click("#panel-close")
    page.click("#console-stats summary")  # statistics of the officer's alarms: one, closed as a false alarm
    wait_js(page, "window.yingjiConsole.state.statsLoads >= 1")
    cells = page.locator("#stats-table tbody tr").first.locator("td").all_inner_texts()
    assert cells[:4] == [data.enterprises[0].name, "1", "1", "100.0 %"]
    page.select_option("#s-group", "level")
    wait_js(page, "window.yingjiConsole.state.statsLoads >= 2")
    assert page.locator("#stats-table tbody tr td").first.inner_text() == "高报（一级）"
    screenshot(page, "alarm_console_stats", full_page=True)


def test_device_page_charts_readings_with_thresholds_and_alarm_history(page: Any, asgi_url: str,
                                                                       data: BrowserData) -> None:
    device = detector(data)
    start = timezone.now() - timedelta(minutes=30)
    report(device, [5 + (i % 7) for i in range(20)] + [27.0, 29.0, 12.0], start=start, step_s=60)
    sign_in(page, asgi_url, data.officer.username)
    page.goto(f"{asgi_url}/monitoring/devices/{device.pk}/")
    channel = device.channels.get()
    wait_js(page, "window.yingjiDevice && window.yingjiDevice.ready === true")
    assert page.evaluate(f"window.yingjiDevice.charts[{channel.pk}].points.length") == 23
    option = page.evaluate(
        f"window.yingjiDevice.charts[{channel.pk}].chart.getOption().series[0].markLine.data.map(d => d.yAxis)")
    assert option == [25, 50]  # the pack's H and HH set points
    assert page.locator(f"#chart-{channel.pk} canvas").count() >= 1
    assert page.locator("#device-alarms tbody tr[data-id]").count() == 1  # the 27 %LEL episode

    report(device, [8.0], start=timezone.now() - timedelta(seconds=1))
    page.evaluate("window.yingjiDevice.poll()")
    wait_js(page, f"window.yingjiDevice.charts[{channel.pk}].points.length === 24")
    screenshot(page, "device_page")


def test_device_page_adds_a_channel_rule_and_charts_its_set_point(page: Any, asgi_url: str,
                                                                 data: BrowserData) -> None:
    device = detector(data, "GAS-甲-02")
    channel = device.channels.get()
    sign_in(page, asgi_url, data.officer.username)
    page.goto(f"{asgi_url}/monitoring/devices/{device.pk}/#rules")
    assert page.locator("#r-window_s").is_hidden() and page.locator("#r-direction").is_visible()  # threshold fields
    page.select_option("#r-kind", "rate")
    assert page.locator("#r-window_s").is_visible() and page.locator("#r-direction").is_hidden()
    page.select_option("#r-kind", "threshold")
    page.fill("#r-name", "罐区预警")
    page.fill("#r-first", "30")
    page.fill("#r-second", "20")  # below H: refused, with the reason beside the field
    page.click("#rule-form button[type=submit]")
    assert "须高于一级设定值" in page.locator("#rule-form .field.has-error").inner_text()
    assert page.input_value("#r-name") == "罐区预警"
    page.fill("#r-first", "15")
    page.click("#rule-form button[type=submit]")
    page.wait_for_url(f"**/monitoring/devices/{device.pk}/#rules")
    wait_js(page, "window.yingjiDevice && window.yingjiDevice.ready === true")
    marks = page.evaluate(
        f"window.yingjiDevice.charts[{channel.pk}].chart.getOption().series[0].markLine.data.map(d => d.yAxis)")
    assert sorted(marks) == [15, 20, 25, 50]  # the pack's H/HH and the channel's own
    assert page.locator("table.channel-rules tr", has_text="罐区预警").count() == 1
    screenshot(page, "device_rules", full_page=True)


def test_map_colours_a_device_by_its_live_status(page: Any, asgi_url: str, data: BrowserData) -> None:
    device = detector(data)
    quiet = detector(data, code="GAS-甲-02")
    report(device, [10.0, 30.0])  # level 1
    sign_in(page, asgi_url, data.officer.username)
    page.goto(f"{asgi_url}/map/")
    wait_js(page, "window.yingjiMapReady === true && window.yingjiDevices.state.ready === true")
    statuses = page.evaluate("window.yingjiDevices.state.statuses")
    assert statuses == {str(device.pk): "alarm1", str(quiet.pk): "normal"}
    colour = f"window.yingjiDevices.state.markers[{device.pk}].options.fillColor"
    assert page.evaluate(colour) == page.evaluate("window.yingjiDevices.colors.alarm1")
    wait_js(page, "window.yingjiDevices.state.streamOpen === true")

    report(device, [55.0, 56.0], start=timezone.now() - timedelta(seconds=5), step_s=2)  # level 2, live
    wait_js(page, f"window.yingjiDevices.state.statuses[{device.pk}] === 'alarm2'")
    assert page.evaluate(colour) == "#c92a2a"
    page.evaluate(f"void window.yingjiMap.map.setView([{device.latitude}, {device.longitude}], 17)")
    page.evaluate(f"void window.yingjiDevices.state.markers[{device.pk}].openPopup()")
    popup = page.locator(".leaflet-popup-content")
    assert "二级报警" in popup.inner_text()
    assert popup.locator("a").get_attribute("href") == f"/monitoring/devices/{device.pk}/"
    page.wait_for_timeout(400)  # the popup's fade-in
    screenshot(page, "map_device_alarm")


def test_device_list_filters_by_live_status_and_leads_to_the_device_page(page: Any, asgi_url: str,
                                                                         data: BrowserData) -> None:
    quiet, alarmed = detector(data, "GAS-甲-01"), detector(data, "GAS-甲-02")
    report(alarmed, [10.0, 55.0])  # 55 %LEL: second level, red as on the map
    sign_in(page, asgi_url, data.officer.username)
    page.goto(f"{asgi_url}/monitoring/alarms/")
    page.click("a.btn[href='/monitoring/devices/']")  # the console links to the list
    assert page.locator("h1").inner_text() == "监测设备"
    rows = page.locator("[data-testid=device-list] tbody tr[data-device]")
    assert rows.count() == 2
    pill = page.locator(f"tr[data-device='{alarmed.pk}'] .live-pill")
    assert pill.inner_text() == "二级报警"
    assert pill.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(201, 42, 42)"  # map's #c92a2a
    assert page.locator(f"tr[data-device='{quiet.pk}'] .live-pill").inner_text() == "正常"
    page.select_option("#f-live", "alarm2")
    page.click("#device-filters button[type=submit]")
    page.wait_for_url("**live=alarm2**")
    assert rows.count() == 1 and rows.first.get_attribute("data-device") == str(alarmed.pk)
    screenshot(page, "device_list")

    page.click(f"tr[data-device='{alarmed.pk}'] a >> text=GAS-甲-02")
    page.wait_for_url(f"**/monitoring/devices/{alarmed.pk}/")
    assert page.locator("h1").inner_text() == "罐区可燃气体探测器"
    channel = alarmed.channels.get()
    page.click(f"tr[data-channel='{channel.pk}'] a.btn")  # the channel form, filled with the channel
    assert page.input_value("#c-unit") == "%LEL"
    page.fill("#c-sample_interval_s", "5")
    page.click("#channel-form button[type=submit]")
    wait_js(page, f"document.querySelector(\"tr[data-channel='{channel.pk}']\").cells[3].textContent === '5'")
    channel.refresh_from_db()
    assert channel.sample_interval_s == 5
    screenshot(page, "device_page_channels", full_page=True)
