"""Roads from OSM (.osm and .osm.pbf through pyosmium) and GeoJSON: classes, speeds, closures, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import osmium
import pytest

from yingji.command.road_sources import (
    RoadSourceError,
    classify,
    direction,
    parse_maxspeed,
    read_geojson,
    read_osm,
)
from yingji.core.geo import wgs84_to_gcj02

OSM_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="41.20" lon="122.00" version="1"/>
  <node id="2" lat="41.20" lon="122.01" version="1"/>
  <node id="3" lat="41.21" lon="122.01" version="1"/>
  <node id="4" lat="41.21" lon="122.02" version="1"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/>
    <tag k="highway" v="primary"/><tag k="ref" v="S305"/><tag k="name" v="盘锦—沙岭公路"/></way>
  <way id="11" version="1"><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="maxspeed" v="20"/><tag k="name" v="建设街"/></way>
  <way id="12" version="1"><nd ref="3"/><nd ref="4"/><tag k="highway" v="footway"/></way>
  <way id="13" version="1"><nd ref="1"/><nd ref="4"/>
    <tag k="highway" v="motorway"/><tag k="ref" v="G1"/><tag k="oneway" v="yes"/><tag k="name" v="京哈高速"/></way>
  <way id="14" version="1"><nd ref="2"/><nd ref="4"/>
    <tag k="highway" v="service"/><tag k="access" v="no"/></way>
  <way id="15" version="1"><nd ref="1"/><nd ref="3"/><tag k="building" v="yes"/></way>
</osm>
"""


@pytest.mark.parametrize(("tags", "expected"), [
    ({"highway": "primary"}, ("provincial", 60)),
    ({"highway": "primary", "ref": "G305"}, ("national", 80)),  # the route number decides the class
    ({"highway": "secondary", "ref": "X061;Y012"}, ("county", 50)),
    ({"highway": "trunk_link", "ref": "G1"}, ("national", 50)),  # links keep their slower speed
    ({"highway": "motorway", "ref": "G1"}, ("expressway", 100)),
    ({"highway": "residential", "maxspeed": "30"}, ("village", 30)),
    ({"highway": "tertiary", "maxspeed": "25 mph"}, ("township", pytest.approx(40.23, abs=0.01))),
    ({"highway": "tertiary", "maxspeed": "CN:urban"}, ("township", 40)),
    ({"highway": "footway"}, None),
    ({"building": "yes"}, None),
])
def test_classify(tags: dict[str, str], expected: object) -> None:
    assert classify(tags) == expected


@pytest.mark.parametrize(("value", "kmh"), [("60", 60), ("60 km/h", 60), ("50kmh", 50), ("40 mph", 64.37376),
                                           ("none", None), ("0", None), ("", None), (None, None)])
def test_parse_maxspeed(value: str | None, kmh: float | None) -> None:
    assert parse_maxspeed(value) == (pytest.approx(kmh) if kmh else None)


def _check_osm_roads(path: Path) -> None:
    report = read_osm(path)
    by_name = {r.name: r for r in report.records}
    assert set(by_name) == {"盘锦—沙岭公路", "建设街", "京哈高速", ""}
    assert (by_name["盘锦—沙岭公路"].road_class, by_name["盘锦—沙岭公路"].speed_kmh) == ("provincial", 60)
    assert by_name["盘锦—沙岭公路"].coordinates == [(122.0, 41.2), (122.01, 41.2)]
    assert by_name["建设街"].speed_kmh == 20
    assert by_name["京哈高速"].road_class == "expressway"
    assert by_name[""].closed is True and by_name[""].road_class == "village"
    assert report.skipped == {"非机动车道路（highway=footway）": 1}  # the building is not counted as a road
    assert report.by_class() == {"provincial": 1, "village": 2, "expressway": 1}


def test_reads_osm_xml(tmp_path: Path) -> None:
    path = tmp_path / "panshan.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    _check_osm_roads(path)


def test_reads_osm_pbf(tmp_path: Path) -> None:
    xml = tmp_path / "panshan.osm"
    xml.write_text(OSM_XML, encoding="utf-8")
    pbf = tmp_path / "panshan.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    for obj in osmium.FileProcessor(str(xml)):
        writer.add(obj)
    writer.close()
    _check_osm_roads(pbf)


def test_unreadable_osm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"not a pbf at all")
    with pytest.raises(RoadSourceError, match="无法读取 OSM 数据"):
        read_osm(path)


def feature(coords: list[list[float]], **properties: object) -> dict[str, object]:
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": properties}


def test_geojson_roads_and_gcj02() -> None:
    line = [[122.0, 41.2], [122.01, 41.2]]
    shifted = [list(wgs84_to_gcj02(x, y)) for x, y in line]
    collection = {"type": "FeatureCollection", "features": [
        feature(shifted, name="县道", road_class="county"),
        feature(shifted, name="无等级", highway="tertiary", maxspeed="35"),
        {"type": "Feature", "properties": {"road_class": "village", "speed_kmh": 20, "closed": True},
         "geometry": {"type": "MultiLineString", "coordinates": [shifted, shifted]}},
    ]}
    report = read_geojson(json.dumps(collection), crs="gcj02")
    assert [(r.name, r.road_class, r.speed_kmh, r.closed) for r in report.records] == [
        ("县道", "county", 50, False), ("无等级", "township", 35, False), ("", "village", 20, True),
        ("", "village", 20, True)]
    for (x, y), (ox, oy) in zip(report.records[0].coordinates, line, strict=True):
        assert (x, y) == (pytest.approx(ox, abs=1e-6), pytest.approx(oy, abs=1e-6))


@pytest.mark.parametrize(("features", "words"), [
    ([feature([[122.0, 41.2]], road_class="county")], "第 1 条要素：少于两个顶点"),
    ([feature([[122.0, 41.2], [122.1, 41.2]], road_class="county"),
      feature([[41.2, 122.0], [41.3, 122.0]], road_class="county")], "第 2 条要素：坐标 (41.2, 122.0) 不在中国境内"),
    ([feature([[122.0, 41.2], [122.1, 41.2]], road_class="motorway")], "road_class 应为"),
    ([feature([[122.0, 41.2], [122.1, 41.2]], highway="footway")], "不是机动车道路"),
    ([feature([[122.0, 41.2], [122.1, 41.2]], road_class="county", speed_kmh=-5)], "speed_kmh 应为 0–200"),
    ([{"type": "Feature", "geometry": {"type": "Point", "coordinates": [122, 41]}, "properties": {}}],
     "LineString 或 MultiLineString"),
])
def test_bad_geojson_names_the_feature(features: list[dict[str, object]], words: str) -> None:
    with pytest.raises(RoadSourceError) as error:
        read_geojson(json.dumps({"type": "FeatureCollection", "features": features}))
    assert words in str(error.value)


def test_not_geojson() -> None:
    with pytest.raises(RoadSourceError, match="不是有效的 JSON"):
        read_geojson(b"{oops")
    with pytest.raises(RoadSourceError, match="FeatureCollection"):
        read_geojson(json.dumps({"type": "Feature"}))


ONEWAY_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="41.20" lon="122.00" version="1"/>
  <node id="2" lat="41.20" lon="122.01" version="1"/>
  <node id="3" lat="41.21" lon="122.01" version="1"/>
  <way id="20" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/>
    <tag k="name" v="yes"/></way>
  <way id="21" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="1"/>
    <tag k="name" v="1"/></way>
  <way id="22" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="true"/>
    <tag k="name" v="true"/></way>
  <way id="23" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/>
    <tag k="oneway" v="-1"/><tag k="name" v="-1"/></way>
  <way id="24" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="reversible"/>
    <tag k="name" v="reversible"/></way>
  <way id="25" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="highway" v="tertiary"/>
    <tag k="junction" v="roundabout"/><tag k="name" v="roundabout"/></way>
  <way id="26" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/>
    <tag k="oneway" v="no"/><tag k="name" v="roundabout, oneway=no"/></way>
  <way id="27" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/><tag k="name" v="motorway"/></way>
  <way id="28" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="oneway" v="no"/>
    <tag k="name" v="no"/></way>
  <way id="29" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="untagged"/></way>
</osm>
"""
A, B, C = (122.0, 41.2), (122.01, 41.2), (122.01, 41.21)


@pytest.mark.parametrize(("name", "oneway", "closed", "coordinates"), [
    ("yes", True, False, [A, B]), ("1", True, False, [A, B]), ("true", True, False, [A, B]),
    ("-1", True, False, [C, B, A]),  # stored in the direction of travel
    ("reversible", False, True, [A, B]),  # the direction changes by the hour: closed until an operator opens it
    ("roundabout", True, False, [A, B, C, A]), ("roundabout, oneway=no", False, False, [A, B]),
    ("motorway", True, False, [A, B]), ("no", False, False, [A, B]), ("untagged", False, False, [A, B]),
])
def test_osm_one_way_tags(tmp_path: Path, name: str, oneway: bool, closed: bool,
                          coordinates: list[tuple[float, float]]) -> None:
    path = tmp_path / "oneway.osm"
    path.write_text(ONEWAY_OSM, encoding="utf-8")
    road = {r.name: r for r in read_osm(path).records}[name]
    assert (road.oneway, road.closed, road.coordinates) == (oneway, closed, coordinates)


@pytest.mark.parametrize(("tags", "expected"), [
    ({"oneway": "yes"}, "forward"), ({"oneway": "-1"}, "backward"), ({"oneway": "reversible"}, "reversible"),
    ({"junction": "circular"}, "forward"), ({"oneway": "alternating"}, "both"), ({"oneway": "YES "}, "forward"),
    ({"highway": "motorway_link"}, "both"), ({}, "both"),
])
def test_direction(tags: dict[str, str], expected: str) -> None:
    assert direction(tags) == expected


@pytest.mark.parametrize(("properties", "oneway", "closed", "reversed_"), [
    ({"oneway": True}, True, False, False), ({"oneway": False}, False, False, False),
    ({"oneway": 1}, True, False, False), ({"oneway": -1}, True, False, True), ({"oneway": "-1"}, True, False, True),
    ({"oneway": "yes"}, True, False, False), ({"oneway": "no"}, False, False, False),
    ({"oneway": None}, False, False, False), ({"oneway": "reversible"}, False, True, False),
    ({"junction": "roundabout"}, True, False, False),
    ({"junction": "roundabout", "oneway": False}, False, False, False),
    ({"highway": "motorway", "road_class": None}, True, False, False),
])
def test_geojson_one_way_property(properties: dict[str, object], oneway: bool, closed: bool,
                                  reversed_: bool) -> None:
    line = [[122.0, 41.2], [122.01, 41.2], [122.01, 41.21]]
    properties = {"road_class": "county", **properties}
    if properties["road_class"] is None:
        del properties["road_class"]
    (road,) = read_geojson(json.dumps({"type": "FeatureCollection", "features": [feature(line, **properties)]})).records
    expected = [tuple(c) for c in (line[::-1] if reversed_ else line)]
    assert (road.oneway, road.closed, road.coordinates) == (oneway, closed, expected)


@pytest.mark.parametrize("value", ["sometimes", 2, [1], {"yes": 1}])
def test_geojson_one_way_with_a_wrong_value_names_the_feature(value: object) -> None:
    features = [feature([[122.0, 41.2], [122.1, 41.2]], road_class="county"),
                feature([[122.0, 41.2], [122.1, 41.2]], road_class="county", oneway=value)]
    with pytest.raises(RoadSourceError, match="第 2 条要素：oneway 应为"):
        read_geojson(json.dumps({"type": "FeatureCollection", "features": features}))
