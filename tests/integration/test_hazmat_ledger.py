"""The life-cycle ledger: hand-computed balances, transfers the receiver confirms, licences, units, tracing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tests.hazmat_ledger_support import WAYBILL, at, carrier_of, count, licence, move
from yingji.core import events
from yingji.core.models import AuditEvent
from yingji.hazmat import ledger_services as services
from yingji.hazmat import waybills
from yingji.hazmat.ledger_queries import county_report
from yingji.hazmat.models import BalanceStatus, Movement, MovementStatus, PeriodBalance, Stocktake, Waybill

API = "/api/v1/hazmat/ledger"
D = Decimal


@pytest.fixture
def disposer(departments: Any, taiping: Any, people: Any) -> Any:
    firm = factories.EnterpriseFactory(name="盘锦危废处置有限公司", admin_area=taiping,
                                       owner_department=departments.emergency)
    licence(firm, "waste", people.admin)
    return firm


@pytest.fixture
def licensed_b(people: Any, enterprise_b: Any) -> Any:
    licence(enterprise_b, "operation", people.admin)
    return enterprise_b


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_period_balance_hand_computed(people: Any, enterprise_a: Any, licensed_b: Any, disposer: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[tuple[str, dict[str, Any]]] = []
    real = events.publish
    monkeypatch.setattr(events, "publish", lambda t, p, scope: (published.append((t, p)), real(t, p, scope=scope)))
    a = people.officer_a
    count(a, 100, 0)
    move(a, "production", 40, 1)
    move(a, "purchase", 20_000, 1.5, unit="kg", supplier="营口某化工有限公司")  # 20 t
    move(a, "transfer_out", 30, 2, to=licensed_b)
    move(a, "use", "12.5", 3)
    move(a, "disposal", 5, 4, to=disposer)
    _, first = count(a, "112.0", 5)
    # expected = 100 + (40 + 20) − 30 − 12.5 − 5 = 112.5; counted 112.0: −0.5 t; tolerance 0.5 % × 160 = 0.8 t
    assert first is not None
    assert (first.opening_t, first.in_t, first.out_t, first.used_t, first.disposed_t) == (100, 60, 30, D("12.5"), 5)
    assert (first.expected_t, first.difference_t, first.tolerance_t) == (D("112.5"), D("-0.5"), D("0.8"))
    assert first.status == BalanceStatus.BALANCED
    # Nothing moves; 111 counted against 112 expected: −1 t beyond 0.5 % × 112 = 0.56 t → flagged
    _, second = count(a, 111, 10)
    assert second is not None
    assert (second.expected_t, second.difference_t, second.tolerance_t) == (112, -1, D("0.56"))
    assert second.status == BalanceStatus.DISCREPANCY
    flags = [p for t, p in published if t == "hazmat.ledger" and p["verb"] == "discrepancy"]
    assert [(f["id"], f["difference_t"], f["tolerance_t"]) for f in flags] == [(second.pk, "-1.000000", "0.560000")]
    supervisor = PeriodBalance.objects.for_user(people.emergency_officer).filter(status=BalanceStatus.DISCREPANCY)
    assert list(supervisor) == [second]
    assert AuditEvent.objects.filter(action="hazmat.ledger.stocktake").count() == 3


def test_receiver_sees_pending_transfer_and_confirms(people: Any, enterprise_a: Any, licensed_b: Any,
                                                     client_for: Any) -> None:
    a, b = people.officer_a, people.officer_b
    count(b, 0, 0)
    out = move(a, "transfer_out", 30, 2, to=licensed_b)
    inbound = Movement.objects.get(pk=out.pair_id)
    assert (inbound.enterprise_id, inbound.kind, inbound.status, inbound.quantity_t) == (
        licensed_b.pk, "transfer_in", MovementStatus.PENDING, 30)
    listed = client_for(b).get(f"{API}/movements", {"status": "pending"}).json()["items"]
    assert [m["id"] for m in listed] == [inbound.pk]
    assert client_for(a).get(f"{API}/movements/{inbound.pk}").status_code == 404  # the receiver's side is B's
    _, pending = count(b, 0, 2.5)
    assert pending is not None
    assert (pending.in_t, pending.pending_in_t, pending.status) == (0, 30, BalanceStatus.BALANCED)
    response = client_for(b).post(f"{API}/movements/{inbound.pk}/confirm",
                                  json.dumps({"received_at": at(3).isoformat()}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    _, received = count(b, 30, 6)
    assert received is not None and (received.in_t, received.status) == (30, BalanceStatus.BALANCED)
    again = client_for(b).post(f"{API}/movements/{inbound.pk}/confirm", "{}", content_type="application/json")
    assert again.status_code == 422


def test_confirmation_before_the_last_count_is_refused(people: Any, enterprise_a: Any, licensed_b: Any) -> None:
    out = move(people.officer_a, "transfer_out", 30, 2, to=licensed_b)
    count(people.officer_b, 0, 4)
    with pytest.raises(ValidationError) as exc:
        services.confirm_transfer(out.pair, at(3), actor=people.officer_b)
    assert "received_at" in _errors(exc)


def test_rejected_transfer_counts_nowhere(people: Any, enterprise_a: Any, licensed_b: Any) -> None:
    a = people.officer_a
    count(a, 50, 0)
    out = move(a, "transfer_out", 30, 1, to=licensed_b)
    services.reject_transfer(out.pair, "品名与运单不符", actor=people.officer_b)
    out.refresh_from_db()
    assert out.status == MovementStatus.REJECTED
    _, balance = count(a, 50, 2)
    assert balance is not None and (balance.out_t, balance.status) == (0, BalanceStatus.BALANCED)


def test_transfer_to_unknown_or_unlicensed_enterprise_is_refused(people: Any, enterprise_a: Any, enterprise_b: Any,
                                                                 disposer: Any) -> None:
    a = people.officer_a
    before = Movement.objects.count()
    unknown = factories.EnterpriseFactory.build(name="外县企业").credit_code
    with pytest.raises(ValidationError) as exc:
        services.record_movement(services.MovementDraft(kind="transfer_out", chemical="氯", quantity=1,
                                                        occurred_at=at(1), counterpart_credit_code=unknown), actor=a)
    assert "未在平台登记" in _errors(exc)["counterpart_credit_code"][0]
    with pytest.raises(ValidationError) as exc:
        move(a, "transfer_out", 1, 1, to=enterprise_b)  # B holds no licence
    assert "没有有效的危险化学品安全生产许可证或危险化学品经营许可证或危险化学品安全使用许可证" in \
        _errors(exc)["counterpart_credit_code"][0]
    licence(enterprise_b, "operation", people.admin)
    with pytest.raises(ValidationError) as exc:
        move(a, "disposal", 1, 1, to=enterprise_b)  # a trader's licence is not a waste-disposal licence
    assert "危险废物经营许可证" in _errors(exc)["counterpart_credit_code"][0]
    with pytest.raises(ValidationError) as exc:
        move(a, "transfer_out", 1, 1, to=disposer)  # the disposer may not buy chemicals
    assert "counterpart_credit_code" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        move(a, "transfer_out", 1, 1, to=enterprise_a)
    assert _errors(exc)["counterpart_credit_code"] == ["接收企业不能是本企业"]
    assert Movement.objects.count() == before
    move(a, "disposal", 1, 1, to=disposer)
    assert Movement.objects.count() == before + 2  # the outbound and the disposer's pending inbound


@pytest.mark.parametrize(("quantity", "unit", "field", "words"), [
    (-5, "t", "quantity", "不能为负数"),
    ("NaN", "t", "quantity", "有限的数"),
    ("Infinity", "t", "quantity", "有限的数"),
    (0, "t", "quantity", "大于 0"),
    ("五吨", "t", "quantity", "不是数字"),
    (20, "L", "unit", "是体积"),
    (20, "m³", "unit", "是体积"),
    (20, "桶", "unit", "单位“桶”无效"),
    (2_000_000, "t", "quantity", "超过单笔上限"),
])
def test_bad_quantities_are_refused_with_the_field(quantity: Any, unit: str, field: str, words: str, people: Any,
                                                   client_for: Any) -> None:
    body = {"kind": "production", "chemical": "液氯", "quantity": quantity, "unit": unit,
            "occurred_at": at(1).isoformat()}
    response = client_for(people.officer_a).post(f"{API}/movements", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    problems = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert words in problems[field], problems
    assert not Movement.objects.exists()


def test_every_problem_at_once_and_nothing_written(people: Any, client_for: Any) -> None:
    body = {"kind": "production", "chemical": "某溶剂", "quantity": -1, "occurred_at": "2099-01-01T00:00:00+08:00"}
    response = client_for(people.officer_a).post(f"{API}/movements", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"chemical", "quantity", "occurred_at"}
    assert not Movement.objects.exists()


def test_kilograms_are_stored_as_tonnes(people: Any) -> None:
    movement = move(people.officer_a, "production", "1250.5", 1, unit="千克")
    assert movement.quantity_t == D("1.2505")


def test_a_lot_never_received_cannot_be_sent(people: Any, licensed_b: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        move(people.officer_a, "use", 1, 1, lot="X-404")
    assert "没有该批号的入库记录" in _errors(exc)["lot_number"][0]


def test_trace_forward_and_backward(people: Any, enterprise_a: Any, licensed_b: Any, taiping: Any,
                                    departments: Any, client_for: Any) -> None:
    c = factories.EnterpriseFactory(name="丙化工有限公司", admin_area=taiping, owner_department=departments.emergency)
    licence(enterprise_a, "use", people.admin)
    admin = people.admin
    made = move(admin, "production", 100, 1, enterprise=c, lot="L-2026-01")
    move(admin, "transfer_out", 40, 2, enterprise=c, to=enterprise_a, lot="L-2026-01")
    to_b = move(admin, "transfer_out", 30, 2, enterprise=c, to=licensed_b, lot="L-2026-01")
    a_in = Movement.objects.get(enterprise=enterprise_a, kind="transfer_in")
    services.confirm_transfer(a_in, at(3), actor=people.officer_a)
    a_to_b = move(people.officer_a, "transfer_out", 10, 4, to=licensed_b, lot="L-2026-01")
    assert made.batch is not None and a_to_b.batch_id == made.batch_id == to_b.batch_id
    batch = made.batch.pk

    whole = client_for(admin).get(f"{API}/batches/{batch}/trace", {"enterprise": c.pk}).json()
    assert (whole["batch"]["lot_number"], whole["start"]) == ("L-2026-01", "丙化工有限公司")
    assert whole["upstream"] == []
    assert sorted((e["sender"], e["receiver"], float(e["quantity_t"])) for e in whole["downstream"]) == sorted([
        ("丙化工有限公司", "甲化工有限公司", 40.0), ("丙化工有限公司", "乙石化有限公司", 30.0),
        ("甲化工有限公司", "乙石化有限公司", 10.0)])
    from_b = client_for(admin).get(f"{API}/batches/{batch}/trace", {"enterprise": licensed_b.pk}).json()
    assert {(e["sender"], e["receiver"]) for e in from_b["upstream"]} == {
        ("丙化工有限公司", "乙石化有限公司"), ("甲化工有限公司", "乙石化有限公司"),
        ("丙化工有限公司", "甲化工有限公司")}
    assert from_b["downstream"] == []

    # A's officer sees the transfers A took part in: from C, and on to B; not C's sale to B.
    mine = client_for(people.officer_a).get(f"{API}/batches/{batch}/trace").json()
    assert [(e["sender"], e["receiver"]) for e in mine["upstream"]] == [("丙化工有限公司", "甲化工有限公司")]
    assert [(e["sender"], e["receiver"]) for e in mine["downstream"]] == [("甲化工有限公司", "乙石化有限公司")]
    assert len(mine["edges"]) == 2


def test_waybill_problems_at_once(people: Any, enterprise_a: Any, taiping: Any, departments: Any) -> None:
    carrier_of(people, taiping, departments.emergency)
    draft = waybills.WaybillDraft(**{**WAYBILL, "vehicle_plate": "LN-12345",
                                     "escort_licence": WAYBILL["driver_licence"],
                                     "planned_route": [[122.06, 41.23]], "consignee_name": "",
                                     "quantity": -1}, planned_departure=at(2), planned_arrival=at(1))
    with pytest.raises(ValidationError) as exc:
        waybills.record_waybill(draft, actor=people.officer_a)
    assert set(_errors(exc)) == {"vehicle_plate", "escort_licence", "planned_route", "consignee_name", "quantity",
                                 "planned_arrival"}
    assert not Waybill.objects.exists()
    good = waybills.WaybillDraft(**{**WAYBILL, "consignee_name": "乙石化有限公司"}, planned_departure=at(1),
                                 planned_arrival=at(1.2))
    waybill = waybills.record_waybill(good, actor=people.officer_a)
    assert waybill.number.startswith("YD") and waybill.vehicle_plate == "辽L12345"


def test_stocktakes_go_forward_only(people: Any) -> None:
    count(people.officer_a, 10, 5)
    with pytest.raises(ValidationError) as exc:
        count(people.officer_a, 10, 4)
    assert "counted_at" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        move(people.officer_a, "use", 1, 3)  # the period up to day 5 is closed
    assert "occurred_at" in _errors(exc)
    assert Stocktake.objects.count() == 1


def test_enterprise_officers_do_not_grant_licences(people: Any, enterprise_a: Any) -> None:
    with pytest.raises(Exception, match="监管部门"):
        licence(enterprise_a, "waste", people.officer_a)


def test_explaining_a_discrepancy(people: Any, client_for: Any) -> None:
    count(people.officer_a, 10, 0)
    _, balance = count(people.officer_a, 5, 1)
    assert balance is not None and balance.status == BalanceStatus.DISCREPANCY
    listed = client_for(people.emergency_officer).get(f"{API}/balances", {"status": "discrepancy"}).json()
    assert [b["id"] for b in listed] == [balance.pk]
    response = client_for(people.officer_a).post(f"{API}/balances/{balance.pk}/explain",
                                                 json.dumps({"explanation": "储罐检修倒罐，5 t 在另一单元"}),
                                                 content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "explained"
    counts = client_for(people.officer_a).get(f"{API}/stocktakes").json()
    assert [(c["quantity_t"], c["balance"] and c["balance"]["status"]) for c in counts] == [
        ("5.000000", "explained"), ("10.000000", None)]


def test_county_report_groups_in_the_database(people: Any, enterprise_a: Any, licensed_b: Any) -> None:
    """Report period day 1 → day 9: A counted day 0 and day 5 and day 8 (the latest in the period closes it);
    B counted day 0 and day 6 for 氨. Movements outside each pair's counts are left out."""
    a, b = people.officer_a, people.officer_b
    count(a, 100, 0)
    move(a, "production", 40, 2)
    move(a, "transfer_out", 30, 3, to=licensed_b)
    count(a, 109, 5)
    move(a, "use", 9, 6)
    count(a, 100, 8)
    move(a, "use", 50, 8.5)  # after A's closing count: not in the report
    count(b, 0, 0, chemical="氨")
    move(b, "production", 12, 4, chemical="氨")
    count(b, 11, 6, chemical="氨")
    rows = county_report(people.admin, at(1), at(9), D("0.5"))
    by_enterprise = {r.enterprise_id: r for r in rows}
    ra, rb = by_enterprise[enterprise_a.pk], by_enterprise[licensed_b.pk]
    # A: 100 + 40 − 30 − 9 = 101, counted 100: −1 t, beyond 0.5 % × 140 = 0.7 t
    assert ra.balance is not None and rb.balance is not None
    assert (ra.opening_t, ra.sums.inflow, ra.sums.outflow, ra.sums.used, ra.closing_t) == (100, 40, 30, 9, 100)
    assert (ra.balance.expected, ra.balance.difference, ra.balance.tolerance) == (101, -1, D("0.7"))
    assert ra.balance.within_tolerance is False
    # B 氨: 0 + 12 = 12, counted 11: −1 beyond 0.06 t; the pending 30 t of 氯 from A is another chemical
    assert (rb.balance.expected, rb.balance.difference, rb.sums.pending_in) == (12, -1, 0)
    assert [r.enterprise_id for r in county_report(a, at(1), at(9), D("0.5"))] == [enterprise_a.pk]
