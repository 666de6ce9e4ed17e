"""The demo county as pure data: seeded, inside the county, valid codes, plausible sizes."""

from __future__ import annotations

from collections import Counter

import pytest
from shapely.geometry import Point

from yingji.core import demo_geography
from yingji.core.credit_code import is_valid_credit_code
from yingji.core.demo_accounts import DemoAccount
from yingji.core.management.commands.demo import accounts_table
from yingji.core.roles import Role
from yingji.registry.demo import names
from yingji.registry.demo.county import DemoCounty, build_county
from yingji.registry.demo.organisations import build_enterprises, build_schools, scale_for
from yingji.registry.demo.places import PARK_CENTRE, Placer, park_polygon
from yingji.registry.demo.supplies import build_shelters
from yingji.registry.validators import PHONE

# Kind → (at least, at most) records.
EXPECTED = {
    "enterprises": (140, 160), "schools": (110, 130), "teams": (25, 35), "experts": (75, 85),
    "medical": (12, 20), "warehouses": (18, 22), "shelters": (55, 65), "vehicles": (40, 55),
    "equipment": (25, 35),
}
# Words that would pass demo records off as real, well-known organisations.
REAL_BRANDS = ("中石油", "中石化", "中国石油", "中国石化", "辽河油田", "华锦", "蓝天救援", "国家电网", "国网", "中海油")


@pytest.fixture(scope="module")
def county() -> DemoCounty:
    return build_county()


def test_every_kind_has_a_plausible_count(county: DemoCounty) -> None:
    for kind, (low, high) in EXPECTED.items():
        assert low <= len(getattr(county, kind)) <= high, kind


def test_building_twice_gives_the_same_records() -> None:
    assert build_enterprises() == build_enterprises()
    assert build_schools() == build_schools()
    assert build_shelters() == build_shelters()


def test_credit_codes_are_valid_unique_and_registered_in_panshan(county: DemoCounty) -> None:
    codes = [e["credit_code"] for e in county.enterprises]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert is_valid_credit_code(code), code
        assert code.startswith(names.CREDIT_CODE_PREFIX)


def test_hazardous_firms_cluster_in_the_park(county: DemoCounty) -> None:
    hazardous = [e for e in county.enterprises if e["hazard_category"] != "none"]
    assert 35 <= len(hazardous) <= 45
    assert {e["hazard_category"] for e in hazardous} == {"production", "storage", "trade_storage"}
    park = park_polygon()
    # ≈ 1.5 km²: 0.016° × 0.010° at 41.2 N.
    assert 1.0 < park.area * 111.32 * 0.7524 * 111.05 < 2.0
    for firm in hazardous:
        assert firm["in_chemical_park"]
        assert park.buffer(1e-9).contains(Point(firm["longitude"], firm["latitude"])), firm["name"]
    assert demo_geography.load_county_boundary().contains(Point(PARK_CENTRE))


def test_every_point_is_inside_the_county_and_its_township(county: DemoCounty) -> None:
    boundary = demo_geography.load_county_boundary()
    towns = demo_geography.township_polygons()
    for kind, record in county.located():
        point = Point(record["longitude"], record["latitude"])
        assert boundary.contains(point), (kind, record.get("name", record))
        assert towns[record["area_code"][:9]].covers(point), (kind, record.get("name"))
        assert record["address"].startswith("盘锦市盘山县"), record["address"]


def test_phones_plates_and_names_look_right(county: DemoCounty) -> None:
    phones = [r[k] for _, r in county.located() for k in ("phone", "safety_officer_phone") if r.get(k)]
    assert all(PHONE.match(p) for p in phones)
    assert all(p[:2] in ("13", "15", "18") for p in phones if len(p) == 11)
    plates = [v["plate"] for v in county.vehicles]
    assert len(set(plates)) == len(plates)
    assert all(p.startswith("辽L·") and len(p) == 8 for p in plates)
    for _, record in county.located():
        text = record.get("name", "") + record.get("organisation", "")
        assert not any(brand in text for brand in REAL_BRANDS), text
    assert len({e["name"] for e in county.enterprises}) == len(county.enterprises)


def test_warehouses_hold_five_to_fifteen_lines_and_shelters_are_empty(county: DemoCounty) -> None:
    for warehouse in county.warehouses:
        assert 5 <= len(warehouse["items"]) <= 15, warehouse["name"]
        assert len({i["name"] for i in warehouse["items"]}) == len(warehouse["items"])
    units = Counter(i["unit"] for w in county.warehouses for i in w["items"])
    assert {"顶", "床", "件", "袋", "台", "吨", "箱"} <= set(units)
    assert any(i["expiry_date"] for w in county.warehouses for i in w["items"])
    for shelter in county.shelters:
        assert 200 <= shelter["capacity"] <= 3000
        assert shelter["occupancy"] == 0
        assert shelter["area_m2"] >= 1.5 * shelter["capacity"]


def test_schools_cover_every_type_and_have_staff(county: DemoCounty) -> None:
    assert {s["school_type"] for s in county.schools} >= {"kindergarten", "primary", "junior", "senior", "vocational"}
    assert all(s["staff"] > 0 and s["students"] > s["staff"] for s in county.schools)


def test_responders_cover_the_county_hazards(county: DemoCounty) -> None:
    types = Counter(t["team_type"] for t in county.teams)
    for kind in ("fire", "hazmat", "flood", "forest_fire", "medical", "utility", "enterprise"):
        assert types[kind] >= 1, kind
    assert any("烧伤" in m["specialties"] and "中毒" in m["specialties"] for m in county.medical)
    assert {e["specialty"] for e in county.experts} >= {"hazmat", "fire", "flood", "medical", "environment"}


@pytest.mark.parametrize(("employees", "scale"), [(5, "micro"), (20, "small"), (299, "small"), (300, "medium"),
                                                   (1000, "large")])
def test_scale_follows_headcount(employees: int, scale: str) -> None:
    assert scale_for(employees) == scale


def test_placer_is_seeded() -> None:
    a, b = Placer("x"), Placer("x")
    assert [a.near_seat("211122101") for _ in range(5)] == [b.near_seat("211122101") for _ in range(5)]


def test_accounts_table_aligns_chinese_columns() -> None:
    lines = accounts_table([DemoAccount("admin", Role.COUNTY_ADMIN, "管理员", "全县"),
                            DemoAccount("taiping_officer", Role.TOWNSHIP_OFFICER, "街道", "太平街道")], "pw-123456")
    assert len(lines) == 3
    # The password column starts at the same display column on every line.
    starts = {line.index("pw-123456") + sum(1 for ch in line[: line.index("pw-123456")] if ord(ch) > 0x2E80)
              for line in lines[1:]}
    assert len(starts) == 1
