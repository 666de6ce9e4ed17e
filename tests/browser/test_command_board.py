"""指挥看板 in a real browser at 1024×768: report an incident, activate a plan, finish a task, dispatch the nearest
team by road, draw threat zones and write the log."""

from __future__ import annotations

from typing import Any

import pytest

from yingji.command import incidents, response
from yingji.command.models import Dispatch, Task
from yingji.core.models import Road
from yingji.registry import services

from .conftest import screenshot, wait_js

pytestmark = pytest.mark.browser

LON, LAT = 122.03, 41.24  # on the test road, at the county seat


@pytest.fixture
def scene(data: Any) -> dict[str, Any]:
    officer = data.officer
    Road.objects.create(name="测试干线", road_class="national", speed_kmh=60,
                        geometry={"type": "LineString", "coordinates": [[121.98, LAT], [122.08, LAT]]})
    team = services.create_record(type(data.teams[0]), {
        "name": "县应急救援大队", "team_type": "hazmat", "members": 25, "owner_department": officer.department,
        "longitude": 121.99, "latitude": LAT}, actor=data.admin)
    plan = response.create_plan({
        "code": "T-01", "name": "危险化学品事故应急预案", "incident_types": ["hazmat_release"],
        "actions": [{"title": "救援队伍到场", "department": officer.department_id, "due_minutes": 30},
                    {"title": "书面报告市应急管理局", "department": officer.department_id, "due_minutes": 60}]},
        actor=officer)
    response.publish_plan(plan, actor=officer)
    incident = incidents.open_incident({"title": "储罐区液氯泄漏", "incident_type": "hazmat_release", "source": "phone",
                                        "longitude": LON, "latitude": LAT}, actor=officer)
    return {"team": team, "incident": incident}


def test_command_board_flow(officer_page: Any, live_server: Any, scene: dict[str, Any]) -> None:
    page = officer_page
    incident = scene["incident"]
    page.goto(f"{live_server.url}/command/")
    assert "储罐区液氯泄漏" in page.locator("[data-testid=open-incidents]").inner_text()
    page.click("[data-testid=open-incidents] a.btn")
    wait_js(page, "window.yingjiBoardReady === true")
    assert page.locator("#board-title").inner_text() == "储罐区液氯泄漏"

    # Activate the plan: its actions become tasks with countdowns.
    page.click("#activate-form button[type=submit]")
    wait_js(page, "document.querySelectorAll('[data-testid=task]').length === 2")
    assert "救援队伍到场" in page.locator("#task-list").inner_text()
    assert "剩余" in page.locator("#task-list").inner_text()
    page.locator("[data-testid=task] button[data-to=done]").first.click()
    wait_js(page, "document.querySelector('#task-list').innerText.includes('已完成')")
    assert Task.objects.filter(incident=incident, status="done").count() == 1
    screenshot(page, "command_board_tasks")

    # The nearest team by road, dispatched with an ETA.
    page.click(".tab[data-tab=forces]")
    page.click("#nearest-form button[type=submit]")
    wait_js(page, "document.querySelectorAll('[data-testid=nearest]').length >= 1")
    assert "县应急救援大队" in page.locator("#nearest-list").inner_text()
    page.locator("[data-testid=nearest] button[data-send]").first.click()
    wait_js(page, "document.querySelectorAll('[data-testid=dispatch]').length === 1")
    assert "预计到达" in page.locator("#dispatch-list").inner_text()
    assert Dispatch.objects.get(incident=incident).travel_s == pytest.approx(3.4 * 60, rel=0.05)  # 3.4 km at 60
    screenshot(page, "command_board_forces")

    # Threat zones drawn downwind on the map.
    page.click(".tab[data-tab=zones]")
    page.click("#zones-form button[type=submit]")
    wait_js(page, "window.yingjiBoard.zones.getLayers().length === 3")
    assert page.locator("#evacuate").is_visible()
    screenshot(page, "command_board_zones")

    # The log: a decision written on the board lands on the timeline.
    page.click(".tab[data-tab=log]")
    page.fill("#note-form input[name=text]", "下风向 2 公里内群众立即疏散")
    page.click("#note-form button[type=submit]")
    wait_js(page, "document.querySelector('#timeline-list').innerText.includes('下风向 2 公里内群众立即疏散')")
    assert incident.timeline.filter(text="下风向 2 公里内群众立即疏散").exists()
    screenshot(page, "command_board_log")


def test_report_a_new_incident_opens_its_board(officer_page: Any, live_server: Any, data: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/command/")
    page.fill("#incident-form input[name=title]", "国道客车侧翻")
    page.select_option("#incident-form select[name=incident_type]", "traffic")
    page.fill("#incident-form input[name=longitude]", "122.05")
    page.fill("#incident-form input[name=latitude]", "41.25")
    page.click("#incident-form button[type=submit]")
    page.wait_for_url("**/command/incidents/*/")
    wait_js(page, "window.yingjiBoardReady === true")
    assert page.locator("#board-title").inner_text() == "国道客车侧翻"
    # A bad report names the field and stays on the form.
    page.goto(f"{live_server.url}/command/")
    page.fill("#incident-form input[name=title]", "坐标写反")
    page.fill("#incident-form input[name=longitude]", "41.25")
    page.fill("#incident-form input[name=latitude]", "122.05")
    page.click("#incident-form button[type=submit]")
    wait_js(page, "document.querySelector('#incident-errors').textContent.length > 0")
    assert "longitude" in page.locator("#incident-errors").inner_text()
    screenshot(page, "command_incidents")


def _set_minutes(page: Any, minutes: int) -> None:
    """Move the time slider as a finger would: the value changes and an input event fires."""
    page.eval_on_selector("#puff-minutes", "(el, m) => { el.value = String(m); el.dispatchEvent(new Event('input')); }",
                          minutes)


def test_puff_footprint_at_the_chosen_time(officer_page: Any, live_server: Any, scene: dict[str, Any]) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/command/incidents/{scene['incident'].pk}/")
    wait_js(page, "window.yingjiBoardReady === true")
    page.click(".tab[data-tab=zones]")
    page.select_option("#zones-form select[name=model]", "puff")
    assert page.locator("#zones-form input[name=mass_kg]").is_visible()
    assert not page.locator("#zones-form input[name=q_g_s]").is_visible()
    page.fill("#zones-form input[name=mass_kg]", "500")
    _set_minutes(page, 10)
    page.click("#zones-form button[type=submit]")
    # The envelope (three dashed zones) and, at 10 minutes, three circles and the puff's centre.
    wait_js(page, "window.yingjiBoard.zones.getLayers().length === 3 && "
                  "window.yingjiBoard.zonesAtTime.getLayers().length === 4")
    snapshot = page.evaluate("window.yingjiBoard.lastZones().at_times[0]")
    assert snapshot["t_s"] == 600 and snapshot["centre_downwind_m"] == 1800.0
    assert "释放后 10 分钟：烟团中心在下风 1800 m 处" in page.locator("#zones-summary").inner_text()
    criteria = page.locator("#zones-criteria").inner_text()
    assert "红区 AEGL-3（20 ppm）" in criteria and "最大包络" in criteria
    assert page.locator("#zones-legend").is_visible()
    assert "100 m 以内（近场）" in page.locator("#zones-limits").inner_text()
    screenshot(page, "command_board_puff_10min")

    # Later, the puff has moved on: the slider asks for 30 minutes only.
    _set_minutes(page, 30)
    wait_js(page, "document.querySelector('#zones-summary').innerText.includes('释放后 30 分钟')")
    assert page.evaluate("window.yingjiBoard.lastZones().at_times[0].centre_downwind_m") == 5400.0
    screenshot(page, "command_board_puff_30min")

    # A chemical with neither AEGL nor ERPG: its zones come from DOE PAC, and the panel says so.
    page.select_option("#zones-form select[name=model]", "plume")
    page.fill("#zones-form input[name=chemical]", "乙醇")
    page.fill("#zones-form input[name=q_g_s]", "5000")
    page.click("#zones-form button[type=submit]")
    wait_js(page, "document.querySelector('#zones-criteria').innerText.includes('PAC-3')")
    assert "DOE PAC Rev. 29" in page.locator("#zones-criteria").inner_text()
    assert page.evaluate("window.yingjiBoard.zonesAtTime.getLayers().length") == 0
    assert not page.locator("#zones-legend").is_visible()
    screenshot(page, "command_board_pac")
