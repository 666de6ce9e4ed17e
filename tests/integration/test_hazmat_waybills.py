"""E-waybills are read by each registered party — shipper, consignee, carrier — and their supervisors, each in
their own ledger and waybill list; an unrelated enterprise sees nothing (404 on the waybill itself)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.hazmat_ledger_support import WAYBILL, at, carrier_of
from yingji.core.roles import Role
from yingji.hazmat import waybills
from yingji.hazmat.models import Waybill

pytestmark = pytest.mark.django_db
API = "/api/v1/hazmat/ledger"


@pytest.fixture
def carrier(people: Any, taiping: Any, departments: Any) -> Any:
    return carrier_of(people, taiping, departments.emergency)


@pytest.fixture
def shipped(people: Any, enterprise_b: Any, carrier: Any) -> Waybill:
    """A ships chlorine to B with the carrier's tanker."""
    return waybills.record_waybill(waybills.WaybillDraft(
        **{**WAYBILL, "carrier_credit_code": carrier.enterprise.credit_code, "consignee_name": ""},
        consignee_credit_code=enterprise_b.credit_code, planned_departure=at(1), planned_arrival=at(1.2)),
        actor=people.officer_a)


@pytest.fixture
def outsider(taiping: Any, departments: Any) -> Any:
    firm = factories.EnterpriseFactory(name="丁无关化工有限公司", admin_area=taiping,
                                       owner_department=departments.emergency)
    return factories.UserFactory(username="officer_d", role=Role.ENTERPRISE_OFFICER, enterprise=firm)


def test_the_waybill_links_the_registered_consignee_and_carrier(shipped: Waybill, enterprise_b: Any,
                                                                carrier: Any) -> None:
    assert shipped.consignee == enterprise_b and shipped.consignee_name == enterprise_b.name
    assert shipped.carrier == carrier.enterprise and shipped.carrier_name == carrier.enterprise.name


@pytest.mark.parametrize("party", ["officer_a", "officer_b", "carrier"])
def test_each_party_reads_it_in_the_list_the_detail_and_its_ledger(
        party: str, people: Any, shipped: Waybill, carrier: Any, client_for: Any) -> None:
    user = carrier.officer if party == "carrier" else getattr(people, party)
    client = client_for(user)
    assert [w["number"] for w in client.get(f"{API}/waybills").json()] == [shipped.number]
    assert [w["number"] for w in client.get(f"{API}/waybills", {"enterprise": user.enterprise_id}).json()] == \
        [shipped.number]
    detail = client.get(f"{API}/waybills/{shipped.pk}")
    assert detail.status_code == 200 and detail.json()["carrier_id"] == carrier.enterprise.pk
    page = client.get("/hazmat/ledger/", {"enterprise": user.enterprise_id}).content.decode()
    role = {"officer_a": "托运", "officer_b": "收货", "carrier": "承运"}[party]
    assert shipped.number in page and f"<td>{role}</td>" in page


def test_an_unrelated_enterprise_sees_nothing(shipped: Waybill, outsider: Any, client_for: Any) -> None:
    client = client_for(outsider)
    assert client.get(f"{API}/waybills").json() == []
    assert client.get(f"{API}/waybills", {"enterprise": shipped.enterprise_id}).json() == []
    assert client.get(f"{API}/waybills/{shipped.pk}").status_code == 404
    assert shipped.number not in client.get("/hazmat/ledger/", {"enterprise": outsider.enterprise_id}).content.decode()


def test_supervisors_of_any_party_read_it(people: Any, shipped: Waybill, client_for: Any) -> None:
    # B is in 高升街道: its township reads the waybill through the consignee, though A (the shipper) is not theirs
    township = client_for(people.township_gaosheng)
    assert [w["number"] for w in township.get(f"{API}/waybills").json()] == [shipped.number]
    assert client_for(people.education_officer).get(f"{API}/waybills/{shipped.pk}").status_code == 404
