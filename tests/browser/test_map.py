"""一张图: basemap and layers load, markers and clusters show, search zooms, area selection answers."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import screenshot, wait_js

pytestmark = pytest.mark.browser


def test_map_loads_basemap_and_layers(officer_page: Any, live_server: Any, data: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/map/")
    wait_js(page, "window.yingjiMapReady === true")
    # Points indexed per layer (Supercluster); the map draws only the clusters and points of the view.
    counts = page.evaluate("Object.fromEntries(Object.entries(window.yingjiMap.layers).map(([k, v]) => [k, v.count]))")
    assert counts["enterprises"] == 4
    assert counts["shelters"] == 2
    assert counts["rescue-teams"] == 0  # another department's teams are outside the officer's scope
    # The basemap drew the county outline and township labels; clusters/markers are on the map.
    assert page.locator(".leaflet-tooltip.town-label").count() >= 10
    drawn = page.evaluate(
        "Object.values(window.yingjiMap.layers).reduce((n, l) => n + l.group.getLayers().length, 0)")
    assert drawn > 0 and page.locator(".yj-cluster").count() <= drawn
    # A layer toggle removes that layer's clusters and points from the map and brings them back.
    page.uncheck("input[data-layer='enterprises']")
    assert page.evaluate("window.yingjiMap.map.hasLayer(window.yingjiMap.layers.enterprises.group)") is False
    page.check("input[data-layer='enterprises']")
    assert page.evaluate("window.yingjiMap.layers.enterprises.group.getLayers().length") > 0
    assert page.locator(".leaflet-draw-draw-circle").is_visible()
    assert page.locator(".leaflet-draw-draw-polygon").is_visible()
    screenshot(page, "map")

    # Search by name: the layers narrow to the hit and the map zooms to it with its popup.
    page.fill("#map-q", "甲化工")
    page.click("#map-search button[type=submit]")
    wait_js(page, "document.querySelector('.leaflet-popup-content') !== null")
    popup = page.locator(".leaflet-popup-content")
    assert "盘山县甲化工有限公司" in popup.inner_text()
    link = popup.locator("a").get_attribute("href")
    assert link == f"/registry/enterprises/{data.enterprises[0].pk}/"
    screenshot(page, "map_search")


def test_within_answers_a_circle_through_the_page_session(officer_page: Any, live_server: Any, data: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/map/")
    wait_js(page, "window.yingjiMapReady === true")
    centre = data.enterprises[0]
    result = page.evaluate(
        """async ([lon, lat]) => {
            const r = await fetch('/api/v1/map/within', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': window.yingji.csrfToken()},
              body: JSON.stringify({circle: {lon, lat, radius_m: 300}})});
            return {status: r.status, body: await r.json()};
        }""",
        [centre.longitude, centre.latitude],
    )
    assert result["status"] == 200
    by_slug = {layer["slug"]: layer["items"] for layer in result["body"]["layers"]}
    assert [i["name"] for i in by_slug["enterprises"]] == [centre.name]
    assert by_slug["enterprises"][0]["distance_m"] == 0

    # The same call drives the side panel the draw tools open.
    page.evaluate("([lon, lat]) => window.yingjiMap.within({circle: {lon, lat, radius_m: 5000}})",
                  [centre.longitude, centre.latitude])
    wait_js(page, "document.querySelector('#within-body ol') !== null")
    panel = page.locator("#within-panel")
    assert centre.name in panel.inner_text()
    assert panel.locator(f"a[href='/registry/enterprises/{centre.pk}/']").count() == 1
    screenshot(page, "map_within")
