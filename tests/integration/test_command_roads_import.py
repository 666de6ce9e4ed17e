"""Road imports over HTTP and from the console: replace one source's roads, route over them, refuse cleanly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.unit.test_command_road_sources import OSM_XML
from yingji.command.network import forget_network
from yingji.core.models import AuditEvent, Road

URL = "/api/v1/command/roads/import"
LINE = [[122.00, 41.20], [122.05, 41.20]]  # ≈ 4.19 km east–west


@pytest.fixture(autouse=True)
def _fresh_graph() -> Iterator[None]:
    forget_network()
    yield
    forget_network()


def geojson(*features: dict[str, Any]) -> SimpleUploadedFile:
    body = json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()
    return SimpleUploadedFile("roads.geojson", body, content_type="application/geo+json")


def road(coords: list[list[float]], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": properties}


def test_admin_imports_geojson_and_routes_over_it(people: Any, client_for: Any) -> None:
    Road.objects.create(name="演示路", road_class="village", speed_kmh=30, source="演示路网",
                        geometry={"type": "LineString", "coordinates": [[121.5, 41.0], [121.51, 41.0]]})
    client = client_for(people.admin)
    response = client.post(URL, {"file": geojson(road(LINE, name="测试县道", road_class="county", speed_kmh=60)),
                                 "source": "测试数据"})
    assert response.status_code == 200, response.content
    assert response.json() | {"by_class": None} == {"source": "测试数据", "imported": 1, "replaced": 0, "closed": 0,
                                                    "oneway": 0, "by_class": None, "skipped": {}}
    route = client.post("/api/v1/command/routes", json.dumps({"from": {"lon": 122.0, "lat": 41.2},
                                                              "to": {"lon": 122.05, "lat": 41.2}}),
                        content_type="application/json").json()
    assert route["time_s"] == pytest.approx(route["length_m"] / (60 / 3.6), rel=1e-3)
    # Importing the same source again replaces it; other sources stay.
    again = client.post(URL, {"file": geojson(road(LINE, road_class="village"), road(LINE, road_class="village")),
                              "source": "测试数据"}).json()
    assert (again["imported"], again["replaced"]) == (2, 1)
    assert Road.objects.filter(source="测试数据").count() == 2 and Road.objects.filter(source="演示路网").count() == 1
    assert AuditEvent.objects.filter(object_type="core.road", object_repr="路网导入：测试数据").count() == 2


def test_refusals_write_nothing(people: Any, client_for: Any) -> None:
    admin = client_for(people.admin)
    bad = admin.post(URL, {"file": geojson(road(LINE, road_class="county"), road([[122.0, 41.2]], road_class="county")),
                           "source": "测试数据"})
    assert bad.status_code == 422 and "第 2 条要素：少于两个顶点" in bad.json()["detail"][0]["message"]
    wrong_type = admin.post(URL, {"file": SimpleUploadedFile("roads.shp", b"x"), "source": "测试数据"})
    assert wrong_type.status_code == 422 and ".osm" in wrong_type.json()["detail"][0]["message"]
    no_source = admin.post(URL, {"file": geojson(road(LINE, road_class="county")), "source": " "})
    assert no_source.status_code == 422 and no_source.json()["detail"][0]["field"] == "source"
    officer = client_for(people.emergency_officer).post(URL, {"file": geojson(road(LINE, road_class="county")),
                                                              "source": "测试数据"})
    assert officer.status_code == 403
    assert not Road.objects.exists()


def test_upload_osm_pbf_name_is_read_as_osm(people: Any, client_for: Any) -> None:
    upload = SimpleUploadedFile("panshan.osm", OSM_XML.encode(), content_type="application/xml")
    data = client_for(people.admin).post(URL, {"file": upload, "source": "OpenStreetMap"}).json()
    assert (data["imported"], data["closed"]) == (4, 1)
    assert data["skipped"] == {"非机动车道路（highway=footway）": 1}


def test_console_import(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "panshan.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    out = StringIO()
    call_command("import_roads", str(path), "--source", "OpenStreetMap 2026-11", stdout=out)
    assert "导入 4 条道路" in out.getvalue() and "跳过 1 条" in out.getvalue()
    assert Road.objects.filter(source="OpenStreetMap 2026-11", closed=True).count() == 1
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_roads", str(tmp_path / "missing.osm"), "--source", "x")


def _route(client: Any, origin: tuple[float, float], destination: tuple[float, float]) -> dict[str, Any]:
    body = {"from": {"lon": origin[0], "lat": origin[1]}, "to": {"lon": destination[0], "lat": destination[1]}}
    response = client.post("/api/v1/command/routes", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_imported_one_way_street_is_driven_one_way_only(people: Any, client_for: Any) -> None:
    west, east = (122.00, 41.20), (122.05, 41.20)
    detour = [[122.00, 41.20], [122.00, 41.21], [122.05, 41.21], [122.05, 41.20]]  # ≈ 1.11 + 4.19 + 1.11 km
    # The straight street is drawn east → west but tagged oneway = -1: traffic runs west → east.
    upload = geojson(road([list(east), list(west)], name="单行街", road_class="county", speed_kmh=60, oneway=-1),
                     road(detour, name="绕行路", road_class="county", speed_kmh=60))
    client = client_for(people.admin)
    summary = client.post(URL, {"file": upload, "source": "单行测试"}).json()
    assert (summary["imported"], summary["oneway"]) == (2, 1)
    stored = Road.objects.get(name="单行街")
    assert stored.oneway and stored.geometry["coordinates"] == [list(west), list(east)]
    with_the_flow, against = _route(client, west, east), _route(client, east, west)
    assert with_the_flow["length_m"] == pytest.approx(4190, rel=2e-3)
    # Against it the only way is round the detour, its whole length, at 60 km/h.
    assert against["length_m"] == pytest.approx(1112 + 4190 + 1112, rel=2e-3)
    assert against["time_s"] == pytest.approx(against["length_m"] / (60 / 3.6), rel=1e-6)
    # Made two-way again by an operator, the street is used both ways on the next request.
    Road.objects.filter(pk=stored.pk).update(oneway=False)
    assert _route(client, east, west)["length_m"] == pytest.approx(4190, rel=2e-3)


def test_console_import_counts_one_way_roads(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "panshan.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    out = StringIO()
    call_command("import_roads", str(path), "--source", "OpenStreetMap", stdout=out)
    assert "单行 1 条" in out.getvalue()  # the motorway, tagged oneway=yes
    assert list(Road.objects.filter(oneway=True).values_list("name", flat=True)) == ["京哈高速"]
