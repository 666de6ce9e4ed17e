"""The hash-chained audit log: what services write, in which transaction, and how tampering shows."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from yingji.core import audit, events
from yingji.core.audit import verify_chain
from yingji.core.models import AuditEvent
from yingji.registry import services
from yingji.registry.models import Shelter


def shelter_data(**extra: Any) -> dict[str, Any]:
    return {"name": "审计测试场所", "capacity": 100, **extra}


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def test_create_update_delete_write_events_with_actor_and_states(people: Any) -> None:
    actor = people.fire_officer
    shelter = services.create_record(Shelter, shelter_data(), actor=actor)
    created = last_event()
    assert (created.action, created.actor_id, created.actor_name) == ("create", actor.pk, actor.username)
    assert created.object_type == "registry.shelter" and created.object_id == str(shelter.pk)
    assert created.before is None and created.after["capacity"] == 100

    services.update_record(shelter, {"capacity": 150}, actor=actor)
    updated = last_event()
    assert updated.action == "update"
    assert (updated.before["capacity"], updated.after["capacity"]) == (100, 150)

    pk = shelter.pk
    services.delete_record(shelter, actor=actor)
    deleted = last_event()
    assert (deleted.action, deleted.object_id, deleted.after) == ("delete", str(pk), None)
    assert deleted.before["name"] == "审计测试场所"
    assert [e.seq for e in (created, updated, deleted)] == [created.seq, created.seq + 1, created.seq + 2]
    assert verify_chain()[1] is None


def test_request_id_from_the_header_reaches_the_event(people: Any, client_for: Any) -> None:
    client = client_for(people.admin)
    response = client.post("/api/v1/registry/shelters", shelter_data(), content_type="application/json",
                           HTTP_X_REQUEST_ID="req-4711-abc")
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-4711-abc"
    event = AuditEvent.objects.get(action="create", object_id=str(response.json()["id"]))
    assert event.request_id == "req-4711-abc"


def test_request_without_id_gets_a_fresh_one(people: Any, client_for: Any) -> None:
    client = client_for(people.admin)
    response = client.post("/api/v1/registry/shelters", shelter_data(), content_type="application/json",
                           HTTP_X_REQUEST_ID="bad id; drop table")
    event = AuditEvent.objects.get(action="create", object_id=str(response.json()["id"]))
    assert event.request_id and event.request_id == response["X-Request-ID"] != "bad id; drop table"


def test_a_failing_service_leaves_no_audit_row_and_no_record(people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit row is written in the service's transaction: when the service fails after it, both go."""
    seq_before, shelters_before = AuditEvent.objects.count(), Shelter.objects.count()

    def broken_publish(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("bus down")

    monkeypatch.setattr(events, "publish", broken_publish)
    with pytest.raises(RuntimeError):
        services.create_record(Shelter, shelter_data(), actor=people.admin)
    assert (AuditEvent.objects.count(), Shelter.objects.count()) == (seq_before, shelters_before)


def test_invalid_input_writes_no_audit_row(people: Any) -> None:
    from django.core.exceptions import ValidationError

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.create_record(Shelter, shelter_data(capacity=-1), actor=people.admin)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record("create", actor=None, object_type="x")
    assert not AuditEvent.objects.filter(object_type="x").exists()


@pytest.fixture
def chain(people: Any) -> list[AuditEvent]:
    for i in range(5):
        services.create_record(Shelter, shelter_data(name=f"场所{i}"), actor=people.admin)
    events_ = list(AuditEvent.objects.order_by("seq"))
    assert verify_chain() == (len(events_), None)
    return events_


def test_tampered_after_is_reported_at_its_seq(chain: list[AuditEvent]) -> None:
    target = chain[-3]
    AuditEvent.objects.filter(seq=target.seq).update(after={**target.after, "capacity": 99999})
    checked, problem = verify_chain()
    assert problem is not None and problem.seq == target.seq
    assert checked == target.seq - 1
    assert "篡改" in problem.reason


def test_tampered_actor_name_is_reported(chain: list[AuditEvent]) -> None:
    target = chain[-2]
    AuditEvent.objects.filter(seq=target.seq).update(actor_name="someone_else")
    assert verify_chain()[1].seq == target.seq


def test_rehashed_forgery_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    """Recomputing the forged row's own hash does not help: the next event still names the old hash."""
    target = chain[-3]
    target.after = {**target.after, "capacity": 1}
    target.hash = target.compute_hash()
    AuditEvent.objects.filter(seq=target.seq).update(after=target.after, hash=target.hash)
    assert verify_chain()[1].seq == target.seq + 1


def test_deleted_middle_row_is_reported_missing(chain: list[AuditEvent]) -> None:
    target = chain[-3]
    AuditEvent.objects.filter(seq=target.seq).delete()
    problem = verify_chain()[1]
    assert problem.seq == target.seq
    assert "缺失" in problem.reason


def test_verify_command(chain: list[AuditEvent]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "完整" in out.getvalue()
    target = chain[-2]
    AuditEvent.objects.filter(seq=target.seq).update(after={"forged": True})
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("audit", "verify")


def test_verify_walks_across_batches(chain: list[AuditEvent]) -> None:
    assert verify_chain(batch_size=2) == (len(chain), None)
    AuditEvent.objects.filter(seq=chain[-1].seq).update(object_repr="x")
    assert verify_chain(batch_size=2)[1].seq == chain[-1].seq


def test_deleting_a_user_keeps_the_chain_verifiable(people: Any) -> None:
    """Users who acted are kept (deactivated), so their events keep the actor the hash was taken over."""
    from django.db.models import ProtectedError

    temp = factories.UserFactory(username="temp_admin", role="county_admin")
    services.create_record(Shelter, shelter_data(), actor=temp)
    try:
        temp.delete()
    except ProtectedError:
        temp.is_active = False
        temp.save()
    assert verify_chain()[1] is None


def test_auditor_can_browse_and_export_the_log(people: Any, client_for: Any) -> None:
    services.create_record(Shelter, shelter_data(), actor=people.admin)
    client = client_for(people.auditor)
    page = client.get("/audit/")
    assert page.status_code == 200
    export = client.get("/audit/export.csv")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "序号"
    assert len(rows) - 1 == AuditEvent.objects.count()
    assert client.get("/audit/export.xlsx").status_code == 200
    assert client.get("/audit/export.exe").status_code == 404
    filtered = client.get("/audit/export.csv", {"action": "create"})
    body = b"".join(filtered.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) - 1 == AuditEvent.objects.filter(action="create").count()


@pytest.mark.parametrize("who", ["emergency_officer", "officer_a", "township_taiping", "expert"])
def test_others_may_not_read_the_log(who: str, people: Any, client_for: Any) -> None:
    client = client_for(getattr(people, who))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_anonymous_is_sent_to_login_for_the_log(anon_client: Any) -> None:
    response = anon_client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
