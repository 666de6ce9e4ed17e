"""Tool e-locks end to end: registration makes a monitoring device, unlocks are granted only for an in-progress
permit covering the tool, worker, place and time, refusals are recorded, and a lock opened without a valid
token raises an alarm through the monitoring alarm service."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.integration.worksafety_support import API, Approvers, in_progress, make_approvers
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.monitoring.models import Alarm
from yingji.worksafety import elock, locks
from yingji.worksafety.models import LockEvent, Permit, Tool, UnlockRequest

pytestmark = pytest.mark.django_db
SITE = {"longitude": 122.05, "latitude": 41.20}  # the permit's point in worksafety_support.plan_data


@pytest.fixture
def approvers(enterprise_a: Any) -> Approvers:
    return make_approvers(enterprise_a)


@pytest.fixture
def welder(people: Any, client_for: Any) -> tuple[Tool, str]:
    response = client_for(people.officer_a).post(f"{API}/tools", {"name": "1号电焊机", "kind": "welder",
                                                                  "lock_id": "EL-0001"},
                                                 content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert base64.b64decode(data["lock_public_key"]) == locks.public_key()
    return Tool.objects.get(pk=data["id"]), data["lock_credential"]


@pytest.fixture
def permit(people: Any, enterprise_a: Any, approvers: Approvers, welder: tuple[Tool, str]) -> Permit:
    return in_progress(enterprise_a, people.officer_a, approvers, tools=[welder[0].pk])


def unlock(client: Client, tool: Tool, certificate: str = "T2101001", **where: float) -> Any:
    return client.post(f"{API}/tools/{tool.pk}/unlock", {"worker_certificate": certificate, **(where or SITE)},
                       content_type="application/json")


def report(tool: Tool, credential: str, state: str = "unlocked", token: str = "") -> Any:
    lock = Client(HTTP_AUTHORIZATION=f"Bearer {credential}")
    return lock.post(f"{API}/tools/{tool.pk}/events", {"state": state, "token": token},
                     content_type="application/json")


def test_registering_a_tool_makes_its_lock_a_monitoring_device(welder: tuple[Tool, str]) -> None:
    tool, credential = welder
    assert tool.device.device_type == "tool_elock" and tool.device.enterprise_id == tool.enterprise_id
    assert list(tool.device.channels.values_list("metric", flat=True)) == ["lock_state"]
    assert credential.startswith("yjd_")


def test_unlock_granted_verified_by_the_lock_and_reported(people: Any, permit: Permit, welder: tuple[Tool, str],
                                                          client_for: Any, django_capture_on_commit_callbacks: Any
                                                          ) -> None:
    tool, credential = welder
    heard: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(heard.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = unlock(client_for(people.officer_a), tool)
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    claims = elock.LockVerifier(tool.lock_id, locks.public_key()).verify(token, int(timezone.now().timestamp()))
    assert (claims.tool, claims.permit) == (tool.pk, permit.number)
    (pushed,) = [e for e in heard if e.topic == "worksafety.tool.unlock"]
    assert pushed.payload["granted"] and pushed.scope.department_id == permit.enterprise.owner_department_id
    assert report(tool, credential, token=token).json()["authorised"] is True
    assert UnlockRequest.objects.get(token_id=claims.jti).used_at is not None
    assert not Alarm.objects.exists()
    assert report(tool, credential, "locked").status_code == 201


@pytest.mark.parametrize(("case", "reason"), [
    ("not_on_permit", "不是作业票上的作业人员"),
    ("too_far", "超过 50 m"),
    ("no_permit", "没有覆盖此工具的作业中的作业票"),
])
def test_refusals_are_recorded_with_their_reason(people: Any, permit: Permit, welder: tuple[Tool, str],
                                                 client_for: Any, case: str, reason: str) -> None:
    tool, _ = welder
    client = client_for(people.officer_a)
    if case == "not_on_permit":
        response = unlock(client, tool, certificate="X999")
    elif case == "too_far":
        response = unlock(client, tool, longitude=122.06, latitude=41.20)  # ≈ 840 m east
    else:
        Permit.objects.filter(pk=permit.pk).update(status="completed")
        response = unlock(client, tool)
    assert response.status_code == 422 and reason in response.json()["detail"]
    (refusal,) = UnlockRequest.objects.all()
    assert not refusal.granted and reason in refusal.reason and refusal.token_id == ""


def test_other_enterprises_cannot_unlock(people: Any, permit: Permit, welder: tuple[Tool, str],
                                         client_for: Any) -> None:
    assert unlock(client_for(people.officer_b), welder[0]).status_code == 404
    assert not UnlockRequest.objects.exists()


def _alarm_problem(tool: Tool) -> str:
    (alarm,) = Alarm.objects.filter(channel__device=tool.device)
    assert (alarm.rule_id, alarm.level, alarm.grade) == ("elock_unlocked_without_permit", "HH", 2)
    return alarm.message


def test_unlocked_without_token_raises_an_alarm(welder: tuple[Tool, str]) -> None:
    tool, credential = welder
    response = report(tool, credential)
    assert response.status_code == 201 and response.json()["authorised"] is False
    assert "未出示令牌" in _alarm_problem(tool)


def test_replayed_token_raises_an_alarm(people: Any, permit: Permit, welder: tuple[Tool, str],
                                        client_for: Any) -> None:
    tool, credential = welder
    token = unlock(client_for(people.officer_a), tool).json()["token"]
    assert report(tool, credential, token=token).json()["authorised"] is True
    assert report(tool, credential, token=token).json()["authorised"] is False
    assert "重放" in _alarm_problem(tool)


def test_forged_token_raises_an_alarm(permit: Permit, welder: tuple[Tool, str]) -> None:
    tool, credential = welder
    now = int(timezone.now().timestamp())
    forged = elock.sign(elock.UnlockClaims(tool.lock_id, tool.pk, permit.number, "f" * 32, now, now + 120),
                        elock.private_key_from_seed(b"\x01" * 32))
    assert report(tool, credential, token=forged).json()["authorised"] is False
    assert "伪造" in _alarm_problem(tool)


def test_expired_token_raises_an_alarm(people: Any, permit: Permit, welder: tuple[Tool, str],
                                       client_for: Any) -> None:
    tool, credential = welder
    token = unlock(client_for(people.officer_a), tool).json()["token"]
    lock = Client(HTTP_AUTHORIZATION=f"Bearer {credential}")
    later = (timezone.now() + timedelta(minutes=2, seconds=31)).isoformat()
    # the lock's clock says the report is 2½ minutes later: beyond the 120 s token and 30 s skew
    response = lock.post(f"{API}/tools/{tool.pk}/events", {"state": "unlocked", "token": token, "at": later},
                         content_type="application/json")
    assert response.status_code == 422  # a report from the future is itself refused …
    past = timezone.now() - timedelta(minutes=3)
    claims = elock.UnlockClaims(tool.lock_id, tool.pk, permit.number, "e" * 32, int(past.timestamp()),
                                int((past + timedelta(seconds=120)).timestamp()))
    stale = elock.sign(claims, locks.signing_key())
    assert report(tool, credential, token=stale).json()["authorised"] is False  # … and an old token expires
    assert "过期" in _alarm_problem(tool)


def test_token_of_another_tool_raises_an_alarm(people: Any, enterprise_a: Any, approvers: Approvers,
                                               welder: tuple[Tool, str], client_for: Any) -> None:
    tool, _ = welder
    other, other_credential = locks.register_tool({"name": "2号切割机", "kind": "cutter", "lock_id": "EL-0002"},
                                                  actor=people.officer_a)
    in_progress(enterprise_a, people.officer_a, approvers, tools=[tool.pk])
    token = unlock(client_for(people.officer_a), tool).json()["token"]
    response = report(other, other_credential, token=token)
    assert response.json()["authorised"] is False
    assert "不是本锁" in _alarm_problem(other)
    assert LockEvent.objects.filter(tool=other, authorised=False).count() == 1


def test_a_lock_reports_only_for_its_own_tool(welder: tuple[Tool, str], people: Any) -> None:
    tool, credential = welder
    other, _ = locks.register_tool({"name": "2号切割机", "kind": "cutter", "lock_id": "EL-0002"},
                                   actor=people.officer_a)
    assert report(other, credential).status_code == 404
    assert Client().post(f"{API}/tools/{tool.pk}/events", {"state": "unlocked"},
                         content_type="application/json").status_code == 401
    assert not LockEvent.objects.exists()
