"""An e-waybill needs a registered carrier holding a 道路危险货物运输许可证 valid for the whole trip whose scope
covers the goods' class, and a driver and an escort with valid certificates at that carrier; every failure is
refused naming what, with nothing written. Receivers of transfers keep needing their own licence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.hazmat_ledger_support import WAYBILL, Carrier, at, carrier_of, licence, move
from yingji.hazmat import carriers, waybills
from yingji.hazmat import ledger_services as services
from yingji.hazmat.models import CrewCertificate, Qualification, Waybill

pytestmark = pytest.mark.django_db
API = "/api/v1/hazmat/ledger"


@pytest.fixture
def carrier(people: Any, taiping: Any, departments: Any) -> Carrier:
    return carrier_of(people, taiping, departments.emergency)


def issue(actor: Any, **changes: Any) -> Waybill:
    fields = {**WAYBILL, "consignee_name": "乙石化有限公司", **changes}
    when = {k: fields.pop(k) for k in ("planned_departure", "planned_arrival") if k in fields}
    return waybills.record_waybill(waybills.WaybillDraft(
        **fields, planned_departure=when.get("planned_departure", at(1)),
        planned_arrival=when.get("planned_arrival", at(1.2))), actor=actor)


def refused(actor: Any, **changes: Any) -> dict[str, list[str]]:
    before = Waybill.objects.count()
    with pytest.raises(ValidationError) as exc:
        issue(actor, **changes)
    assert Waybill.objects.count() == before  # nothing written
    return exc.value.message_dict


def test_a_licensed_carrier_with_a_certified_crew_may_carry(people: Any, carrier: Carrier) -> None:
    waybill = issue(people.officer_a)
    assert waybill.carrier == carrier.enterprise


def test_an_unregistered_carrier_is_refused(people: Any) -> None:
    errors = refused(people.officer_a)
    assert errors["carrier_credit_code"] == [
        "承运企业（统一社会信用代码 91110000600037341L）未在平台登记：须由持有道路危险货物运输许可证的登记企业承运"]


def test_a_carrier_without_its_transport_licence_is_refused(people: Any, carrier: Carrier) -> None:
    Qualification.objects.filter(pk=carrier.licence.pk).delete()
    licence(carrier.enterprise, "operation", people.admin)  # a trading licence is not a transport licence
    assert refused(people.officer_a)["carrier_credit_code"] == [
        "“盘锦危货运输有限公司”没有登记道路危险货物运输许可证，不能承运危险货物"]


def test_a_revoked_licence_is_refused(people: Any, carrier: Carrier) -> None:
    Qualification.objects.filter(pk=carrier.licence.pk).update(revoked=True)
    assert "已吊销或注销" in refused(people.officer_a)["carrier_credit_code"][0]


def test_an_expired_licence_or_one_ending_during_the_trip_is_refused(people: Any, carrier: Carrier) -> None:
    Qualification.objects.filter(pk=carrier.licence.pk).update(valid_until=date(2026, 10, 1))
    # departs 2 Oct (Asia/Shanghai): expired the day before
    message = refused(people.officer_a)["carrier_credit_code"][0]
    assert message == ("“盘锦危货运输有限公司”的道路危险货物运输许可证 辽交运管许可盘字211122000001 "
                       "有效期为 2026-01-01 至 2026-10-01，不覆盖运输期间 2026-10-02")
    Qualification.objects.filter(pk=carrier.licence.pk).update(valid_until=date(2026, 10, 2))
    message = refused(people.officer_a, planned_arrival=at(2.1))["carrier_credit_code"][0]
    assert "不覆盖运输期间 2026-10-02 至 2026-10-03" in message


@pytest.mark.parametrize(("scope", "chemical", "missing"), [
    (["3", "8"], "氯", "2.3项 毒性气体"),        # UN1017, 2.3
    (["2.1", "2.2"], "液氨", "2.3项 毒性气体"),  # UN1005, 2.3: the division must be in scope
    (["2", "8"], "汽油", "第3类 易燃液体"),      # UN1203, 3
    (["3"], "氟化氢", "第8类 腐蚀性物质"),       # UN1052, 8
])
def test_goods_outside_the_licence_scope_are_refused(people: Any, carrier: Carrier, scope: list[str],
                                                     chemical: str, missing: str) -> None:
    Qualification.objects.filter(pk=carrier.licence.pk).update(scope_classes=scope)
    message = refused(people.officer_a, chemical=chemical)["carrier_credit_code"][0]
    assert f"经营范围为 {'、'.join(scope)}" in message and f"不含{missing}" in message


@pytest.mark.parametrize(("scope", "chemical"), [(["2"], "氯"), (["2.3"], "氯"), (["3"], "甲醇"), (["8"], "发烟硝酸")])
def test_a_whole_class_or_the_division_covers_the_goods(people: Any, carrier: Carrier, scope: list[str],
                                                        chemical: str) -> None:
    Qualification.objects.filter(pk=carrier.licence.pk).update(scope_classes=scope)
    assert issue(people.officer_a, chemical=chemical).carrier == carrier.enterprise


def test_goods_the_platform_cannot_classify_need_their_declared_class(people: Any, carrier: Carrier) -> None:
    assert "煤气没有可识别的 UN 号" in refused(people.officer_a, chemical="煤气")["goods_class"][0]
    assert "不是危险货物类别" in refused(people.officer_a, chemical="煤气", goods_class="12")["goods_class"][0]
    assert "经营范围为 2、3、8" in refused(people.officer_a, chemical="煤气", goods_class="6.1")[
        "carrier_credit_code"][0]
    assert issue(people.officer_a, chemical="煤气", goods_class="2.3").carrier == carrier.enterprise
    # a class that contradicts the UN number is refused, naming the right one
    assert "属于2.3项 毒性气体，不是 3" in refused(people.officer_a, goods_class="3")["goods_class"][0]


@pytest.mark.parametrize(("field", "change", "expected"), [
    ("driver_licence", {"number": "210000000000000000"}, "驾驶员从业资格证 210000198001010011 未在平台登记"),
    ("driver_licence", {"revoked": True}, "驾驶员从业资格证 210000198001010011 已吊销或注销"),
    ("driver_licence", {"valid_until": date(2026, 9, 30)},
     "驾驶员从业资格证 210000198001010011（李师傅）有效期为 2026-01-01 至 2026-09-30，不覆盖运输期间 2026-10-02"),
    ("driver_licence", {"name": "李四"}, "驾驶员从业资格证 210000198001010011 登记的姓名为“李四”，不是“李师傅”"),
    ("escort_licence", {"valid_from": date(2026, 10, 3)},
     "押运员从业资格证 210000198502020022（赵押运）有效期为 2026-10-03 至 2028-12-31，不覆盖运输期间 2026-10-02"),
    ("escort_licence", {"role": "driver"}, "押运员从业资格证 210000198502020022 未在平台登记"),
])
def test_crew_without_a_valid_certificate_is_refused(people: Any, carrier: Carrier, field: str,
                                                     change: dict[str, Any], expected: str) -> None:
    number = WAYBILL[field]
    CrewCertificate.objects.filter(number=number).update(**change)
    assert refused(people.officer_a)[field] == [expected]


def test_a_certificate_of_another_carrier_is_refused(people: Any, carrier: Carrier, enterprise_b: Any) -> None:
    CrewCertificate.objects.filter(number=WAYBILL["driver_licence"]).update(enterprise=enterprise_b)
    assert refused(people.officer_a)["driver_licence"] == [
        "驾驶员从业资格证 210000198001010011（李师傅）登记在“乙石化有限公司”，不属于承运企业"]


def test_licences_and_certificates_are_recorded_by_supervisors_and_checked(people: Any, carrier: Carrier,
                                                                           client_for: Any) -> None:
    with pytest.raises(PermissionDenied):
        carriers.record_crew_certificate({"enterprise": carrier.enterprise, "role": "driver", "name": "自登",
                                          "number": "X1", "valid_from": date(2026, 1, 1),
                                          "valid_until": date(2027, 1, 1)}, actor=carrier.officer)
    admin = client_for(people.admin)
    body = {"enterprise": carrier.enterprise.pk, "kind": "transport", "number": "辽交运2", "valid_from": "2026-01-01",
            "valid_until": "2027-01-01"}
    missing = admin.post(f"{API}/qualifications", body, content_type="application/json")
    assert missing.status_code == 422 and "请填写经营范围" in missing.content.decode()
    wrong = admin.post(f"{API}/qualifications", {**body, "scope_classes": ["3", "10"]}, content_type="application/json")
    assert wrong.status_code == 422 and "“10”不是危险货物类别" in wrong.content.decode()
    stray = admin.post(f"{API}/qualifications", {**body, "kind": "operation", "scope_classes": ["3"]},
                       content_type="application/json")
    assert stray.status_code == 422 and "只有道路危险货物运输许可证" in stray.content.decode()
    made = admin.post(f"{API}/qualifications", {**body, "scope_classes": ["2.1", "3"]}, content_type="application/json")
    assert made.status_code == 201 and made.json()["scope_classes"] == ["2.1", "3"]


def test_the_api_names_the_field_and_the_reason(people: Any, client_for: Any) -> None:
    body = {**WAYBILL, "consignee_name": "乙石化有限公司", "planned_departure": at(1).isoformat(),
            "planned_arrival": at(1.2).isoformat()}
    answer = client_for(people.officer_a).post(f"{API}/waybills", body, content_type="application/json")
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["detail"]}
    assert {"carrier_credit_code", "driver_licence", "escort_licence"} <= fields


def test_transfers_still_need_a_receiving_licence_valid_on_the_day(people: Any, enterprise_b: Any,
                                                                   carrier: Carrier) -> None:
    with pytest.raises(ValidationError, match="没有有效的"):
        move(people.officer_a, "transfer_out", 1, 1, to=carrier.enterprise)  # a carrier's licence is no trading one
    held = licence(enterprise_b, "operation", people.admin)
    Qualification.objects.filter(pk=held.pk).update(valid_until=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="在 2026-10-02 没有有效的"):
        move(people.officer_a, "transfer_out", 1, 1, to=enterprise_b)  # expired the day before
    Qualification.objects.filter(pk=held.pk).update(valid_until=date(2027, 1, 1), revoked=True)
    with pytest.raises(ValidationError, match="没有有效的"):
        move(people.officer_a, "transfer_out", 1, 1, to=enterprise_b)  # revoked
    Qualification.objects.filter(pk=held.pk).update(revoked=False)
    assert move(people.officer_a, "transfer_out", 1, 1, to=enterprise_b).counterpart == enterprise_b
    assert services.licence_problem(enterprise_b, "transfer_out", at(1)) is None
