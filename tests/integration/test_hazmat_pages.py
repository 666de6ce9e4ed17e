"""Hazmat pages: each renders for the people who use it, forms write through the services, refusals explain."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hazmat_ledger_support import at, carrier_of, count, licence, move
from yingji.hazmat import services
from yingji.hazmat.models import Movement, MovementStatus, Waybill


@pytest.fixture
def licensed_b(people: Any, enterprise_b: Any) -> Any:
    licence(enterprise_b, "operation", people.admin)
    return enterprise_b


def test_catalogue_page_searches(people: Any, client_for: Any) -> None:
    page = client_for(people.officer_a).get("/hazmat/chemicals/", {"q": "1017"}).content.decode()
    assert "液氯" in page and "AEGL" in page and "共 1 条" in page


def test_catalogue_page_shows_pac_with_its_unit(people: Any, client_for: Any) -> None:
    page = client_for(people.officer_a).get("/hazmat/chemicals/", {"q": "64-17-5"}).content.decode()
    assert "PAC-1/2/3" in page and "1800.0 / 3300.0 / 15000.0 (ppm)" in page and "DOE PAC Rev. 29" in page


def test_major_hazards_and_the_working(people: Any, enterprise_a: Any, client_for: Any) -> None:
    unit = services.create_unit({"enterprise": enterprise_a, "name": "液氯罐区", "kind": "storage",
                                 "exposed_population": 120}, actor=people.admin)
    services.replace_inventory(unit, [services.InventoryRow("液氯", 20)], actor=people.admin)
    client = client_for(people.emergency_officer)
    overview = client.get("/hazmat/major-hazards/", {"grade": "3"}).content.decode()
    assert "液氯罐区" in overview and "三级" in overview
    working = client.get(f"/hazmat/units/{unit.pk}/").content.decode()
    # 20/5 = 4, β 4 → 16; R = 2 × 16 = 32
    assert "表3：氯（毒性气体）β = 4" in working and "16.0000" in working and "R = α·Σβq/Q = 32.00" in working
    assert client_for(people.officer_b).get(f"/hazmat/units/{unit.pk}/").status_code == 404


def test_transfer_by_form_and_the_receiver_confirms(people: Any, enterprise_a: Any, licensed_b: Any,
                                                    client_for: Any) -> None:
    a = client_for(people.officer_a)
    response = a.post("/hazmat/ledger/movements/", {
        "kind": "transfer_out", "chemical": "液氯", "quantity": "12", "unit": "t",
        "occurred_at": at(1).strftime("%Y-%m-%dT%H:%M"), "counterpart_credit_code": licensed_b.credit_code,
        "enterprise": enterprise_a.pk}, follow=True)
    assert "已登记" in response.content.decode()
    b = client_for(people.officer_b)
    ledger = b.get("/hazmat/ledger/").content.decode()
    assert "待确认的调入" in ledger and enterprise_a.name in ledger
    inbound = Movement.objects.get(enterprise=licensed_b)
    b.post(f"/hazmat/ledger/movements/{inbound.pk}/answer/", {"answer": "confirm"}, follow=True)
    inbound.refresh_from_db()
    assert inbound.status == MovementStatus.CONFIRMED
    # A's officer cannot answer B's inbound
    assert a.post(f"/hazmat/ledger/movements/{inbound.pk}/answer/", {"answer": "reject"}).status_code == 404


def test_refused_form_names_the_field_in_chinese(people: Any, enterprise_a: Any, client_for: Any) -> None:
    response = client_for(people.officer_a).post("/hazmat/ledger/movements/", {
        "kind": "production", "chemical": "液氯", "quantity": "-3", "unit": "L",
        "occurred_at": at(1).strftime("%Y-%m-%dT%H:%M"), "enterprise": enterprise_a.pk}, follow=True)
    page = response.content.decode()
    assert "单位：单位“L”是体积" in page
    assert not Movement.objects.exists()


def test_discrepancies_for_the_supervisor_and_the_trace(people: Any, enterprise_a: Any, licensed_b: Any,
                                                         client_for: Any) -> None:
    count(people.officer_a, 100, 0)
    made = move(people.officer_a, "production", 10, 1, lot="A-7")
    move(people.officer_a, "transfer_out", 4, 2, to=licensed_b, lot="A-7")
    count(people.officer_a, 90, 3)  # expected 106: 16 t short
    table = client_for(people.emergency_officer).get("/hazmat/ledger/discrepancies/").content.decode()
    assert enterprise_a.name in table and "-16" in table
    assert client_for(people.officer_b).get("/hazmat/ledger/discrepancies/").content.decode().count("fff0f0") == 0
    trace = client_for(people.admin).get(f"/hazmat/ledger/batches/{made.batch_id}/").content.decode()
    assert licensed_b.name in trace and "下游" in trace
    ledger = client_for(people.emergency_officer).get("/hazmat/ledger/", {"enterprise": enterprise_a.pk})
    assert "差异待核查" in ledger.content.decode()


def test_waybill_form(people: Any, enterprise_a: Any, client_for: Any) -> None:
    a = client_for(people.officer_a)
    unlicensed = a.post("/hazmat/ledger/waybills/", {
        "enterprise": enterprise_a.pk, "chemical": "液氯", "quantity": "10", "carrier_name": "无证运输公司",
        "carrier_credit_code": "91110000600037341L", "vehicle_plate": "辽L12345", "driver_name": "李师傅",
        "driver_licence": "210000198001010011", "escort_name": "赵押运", "escort_licence": "210000198502020022",
        "consignee_name": "乙石化有限公司", "planned_route": "122.06,41.23；122.15，41.18",
        "planned_departure": at(1).strftime("%Y-%m-%dT%H:%M"), "planned_arrival": at(1.1).strftime("%Y-%m-%dT%H:%M")},
        follow=True).content.decode()
    assert "承运企业（统一社会信用代码 91110000600037341L）未在平台登记" in unlicensed
    assert "驾驶员从业资格证 210000198001010011 未在平台登记" in unlicensed
    carrier_of(people, enterprise_a.admin_area, enterprise_a.owner_department)
    form = {"enterprise": enterprise_a.pk, "chemical": "液氯", "quantity": "10", "carrier_name": "盘锦危货运输有限公司",
            "carrier_credit_code": "91110000600037341L", "vehicle_plate": "辽L1234", "driver_name": "李师傅",
            "driver_licence": "210000198001010011", "escort_name": "赵押运", "escort_licence": "210000198502020022",
            "consignee_name": "乙石化有限公司", "planned_route": "122.06,41.23；122.15，41.18",
            "planned_departure": at(1).strftime("%Y-%m-%dT%H:%M"),
            "planned_arrival": at(1.1).strftime("%Y-%m-%dT%H:%M")}
    refused = a.post("/hazmat/ledger/waybills/", form, follow=True).content.decode()
    assert "车牌号：车牌号“辽L1234”格式不正确" in refused
    done = a.post("/hazmat/ledger/waybills/", {**form, "vehicle_plate": "辽L12345"}, follow=True).content.decode()
    assert "已开具电子运单 YD" in done and "辽L12345" in done
    assert Waybill.objects.get().planned_route == [[122.06, 41.23], [122.15, 41.18]]
