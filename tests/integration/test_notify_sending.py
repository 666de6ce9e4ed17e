"""Sending for real: a local HTTP server receives the generic, DingTalk, WeCom and SMS-gateway requests, a
local SMTP server the email; retries with backoff, dead deliveries, no duplicates, the inbox and its SSE."""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.integration.notify_support import Endpoint, Mailbox, serve_http, serve_smtp
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.core.scoping import Principal
from yingji.notify import sending, services
from yingji.notify.models import Delivery, DeliveryStatus, InboxMessage
from yingji.notify.services import Notice, RecipientSpec

pytestmark = pytest.mark.django_db

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    yield from serve_http()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    yield from serve_smtp()


def channel(admin: Any, kind: str, url: str = "", recipients: list[RecipientSpec] | None = None,
            **extra: Any) -> Any:
    return services.create_channel({"name": f"{kind} 渠道", "kind": kind, "url": url, **extra}, recipients or [],
                                   actor=admin)


def route_all(admin: Any, *channels: Any, **conditions: Any) -> Any:
    return services.create_rule({"name": "全部监测报警", **conditions}, [c.pk for c in channels], actor=admin)


def gas_notice(key: str = "monitoring.alarm:1:H", level: int = 2, **extra: Any) -> Notice:
    return Notice(**{"domain": "monitoring", "kind": "raised", "level": level, "title": "甲化工 可燃气体高报",
                     "body": "30 %LEL", "link": "/monitoring/alarms/1/", "source_key": key,
                     "area_code": "211122001", "department_id": None, **extra})


def test_each_http_channel_sends_its_documented_format(people: Any, endpoint: Endpoint, settings: Any) -> None:
    settings.YINGJI_PUBLIC_URL = "https://yj.example.cn"
    generic = channel(people.admin, "webhook", f"{endpoint.url}/hook", secret="hook-secret")
    ding = channel(people.admin, "dingtalk", f"{endpoint.url}/robot/send?access_token=tok", secret=SECRET)
    wecom = channel(people.admin, "wecom", f"{endpoint.url}/cgi-bin/webhook/send?key=k1")
    sms = channel(people.admin, "sms", f"{endpoint.url}/sms", headers={"Content-Type": "application/json",
                                                                        "X-Api-Key": "{{secret}}"},
                  body_template='{"mobile": "{{phone}}", "content": "{{text}}"}', secret="gw-key",
                  recipients=[RecipientSpec(phone="13800000001"),
                              RecipientSpec(department=people.fire_officer.department_id)])
    people.fire_officer.department.phone = "0427-1234567"
    people.fire_officer.department.save()
    route_all(people.admin, generic, ding, wecom, sms, domain="monitoring")

    assert services.notify(gas_notice()) == 5  # webhook, DingTalk, WeCom, SMS × (phone, fire duty phone)
    now = timezone.now()
    report = sending.send_due(now)
    assert (report.sent, report.failed, report.dead) == (5, 0, 0)

    (hook,) = endpoint.at("/hook")
    document = hook.json()
    assert document["title"] == "甲化工 可燃气体高报" and document["level"] == 2 and document["kind"] == "raised"
    assert document["link"] == "https://yj.example.cn/monitoring/alarms/1/"
    expected = "sha256=" + hmac.new(b"hook-secret", hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-yingji-signature"] == expected

    (robot,) = endpoint.at("/robot/send")
    timestamp = robot.query["timestamp"]
    assert abs(int(timestamp) - now.timestamp() * 1000) < 1000 and robot.query["access_token"] == "tok"
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert robot.query["sign"] == base64.b64encode(digest).decode()  # parse_qsl has URL-decoded it
    assert robot.json()["msgtype"] == "markdown" and "甲化工" in robot.json()["markdown"]["text"]

    (wx,) = endpoint.at("/cgi-bin/webhook/send")
    assert wx.query == {"key": "k1"} and wx.json()["msgtype"] == "markdown"
    assert "[查看详情](https://yj.example.cn/monitoring/alarms/1/)" in wx.json()["markdown"]["content"]

    texts = sorted((r.json()["mobile"], r.headers["x-api-key"]) for r in endpoint.at("/sms"))
    assert texts == [("0427-1234567", "gw-key"), ("13800000001", "gw-key")]
    assert "【较重】甲化工 可燃气体高报\n30 %LEL" in endpoint.at("/sms")[0].json()["content"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert set(Delivery.objects.values_list("response_code", flat=True)) == {200}


def test_a_failing_endpoint_is_retried_with_backoff_and_logged(people: Any, endpoint: Endpoint) -> None:
    endpoint.script["/flaky"] = [500, 500]
    route_all(people.admin, channel(people.admin, "webhook", f"{endpoint.url}/flaky"))
    services.notify(gas_notice())
    t0 = timezone.now()

    assert sending.send_due(t0).failed == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 500)
    assert "HTTP 500" in delivery.last_error and delivery.next_attempt_at == t0 + timedelta(seconds=30)

    assert sending.send_due(t0 + timedelta(seconds=29)).attempted == 0  # not due yet
    assert sending.send_due(t0 + timedelta(seconds=30)).failed == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == t0 + timedelta(seconds=90)  # then 60 s

    assert sending.send_due(t0 + timedelta(seconds=90)).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error) == ("sent", 3, 200, "")
    assert delivery.sent_at == t0 + timedelta(seconds=90) and len(endpoint.at("/flaky")) == 3


def test_a_dead_endpoint_ends_dead_after_max_attempts(people: Any, endpoint: Endpoint) -> None:
    closed = channel(people.admin, "wecom", "http://127.0.0.1:9/cgi-bin/webhook/send?key=x", max_attempts=3)
    rejecting = channel(people.admin, "dingtalk", f"{endpoint.url}/robot/send?access_token=t")
    endpoint.answers["/robot/send"] = b'{"errcode":310000,"errmsg":"sign not match"}'
    route_all(people.admin, closed, rejecting)
    services.notify(gas_notice())
    at = timezone.now()
    for _ in range(10):
        sending.send_due(at)
        at += timedelta(hours=1)
    dead = Delivery.objects.get(channel=closed)
    assert (dead.status, dead.attempts, dead.response_code) == ("dead", 3, None)
    assert "无法连接" in dead.last_error
    refused = Delivery.objects.get(channel=rejecting)
    assert (refused.status, refused.attempts) == ("dead", 6)  # the default max
    assert "errcode 310000" in refused.last_error and len(endpoint.at("/robot/send")) == 6


def test_the_same_source_is_never_queued_or_sent_twice(people: Any, endpoint: Endpoint) -> None:
    route_all(people.admin, channel(people.admin, "webhook", f"{endpoint.url}/hook"))
    assert services.notify(gas_notice()) == 1
    assert services.notify(gas_notice()) == 0  # the same episode step again
    assert services.notify(gas_notice("monitoring.alarm:1:HH", level=3)) == 1  # escalated: a new step
    sending.send_due()
    sending.send_due()
    assert len(endpoint.at("/hook")) == 2 and Delivery.objects.count() == 2


def test_two_workers_never_claim_the_same_delivery(people: Any, endpoint: Endpoint) -> None:
    route_all(people.admin, channel(people.admin, "webhook", f"{endpoint.url}/hook"))
    for i in range(5):
        services.notify(gas_notice(f"monitoring.alarm:{i}:H"))
    now = timezone.now()
    first = sending.claim(now, worker="a", limit=3)
    second = sending.claim(now, worker="b", limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert sending.claim(now, worker="c") == []  # everything is held
    # a worker that died: its lease runs out and another takes its deliveries
    assert len(sending.claim(now + timedelta(seconds=301), worker="d")) == 5


def test_email_goes_through_smtp_to_users_and_addresses(people: Any, mailbox: Mailbox) -> None:
    people.emergency_officer.email = "yjj@example.cn"
    people.emergency_officer.save()
    mail = channel(people.admin, "email", f"smtp://127.0.0.1:{mailbox.port}", sender_address="alarm@yj.example.cn",
                   recipients=[RecipientSpec(user=people.emergency_officer.pk), RecipientSpec(email="duty@example.cn")])
    route_all(people.admin, mail)
    services.notify(gas_notice())
    assert sending.send_due().sent == 2
    assert sorted(m["to"][0] for m in mailbox.messages) == ["duty@example.cn", "yjj@example.cn"]
    parsed = email.message_from_bytes(mailbox.messages[0]["data"], policy=policy.default)
    assert parsed["Subject"] == "【较重】甲化工 可燃气体高报" and parsed["From"] == "alarm@yj.example.cn"
    assert "30 %LEL" in parsed.get_content()


def test_inapp_notices_land_in_the_inbox_and_only_their_user_hears(people: Any, departments: Any,
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    inapp = channel(people.admin, "inapp", recipients=[RecipientSpec(department=departments.emergency.pk),
                                                       RecipientSpec(user=people.township_taiping.pk)])
    route_all(people.admin, inapp, area_prefix="211122001", min_level=2)
    heard: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(heard.append)
    assert services.notify(gas_notice(level=1)) == 0  # below the rule's level
    assert services.notify(gas_notice(area_code="211122002")) == 0  # another township
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(gas_notice()) == 2
        assert sending.send_due().sent == 2
    owners = sorted(InboxMessage.objects.values_list("user__username", flat=True))
    assert owners == ["taiping", "yjj_officer"]
    assert [e.topic for e in heard] == ["notify.inbox", "notify.inbox"]
    officer_event = next(e for e in heard if e.scope.person_id == people.emergency_officer.pk)
    assert officer_event.payload["unread"] == 1 and officer_event.payload["title"] == "甲化工 可燃气体高报"
    assert Principal.of(people.emergency_officer).may_see(officer_event.scope)
    assert not Principal.of(people.admin).may_see(officer_event.scope)  # not even the county administrator
    assert not Principal.of(people.township_taiping).may_see(officer_event.scope)


def test_an_inactive_channel_or_rule_queues_nothing(people: Any, endpoint: Endpoint) -> None:
    hook = channel(people.admin, "webhook", f"{endpoint.url}/hook")
    rule = route_all(people.admin, hook)
    services.update_rule(rule, {"is_active": False}, actor=people.admin)
    assert services.notify(gas_notice()) == 0
    services.update_rule(rule, {"is_active": True}, actor=people.admin)
    services.update_channel(hook, {"is_active": False}, actor=people.admin)
    assert services.notify(gas_notice()) == 0


def test_worker_command_once_sends_what_is_due(people: Any, endpoint: Endpoint) -> None:
    route_all(people.admin, channel(people.admin, "webhook", f"{endpoint.url}/hook"))
    services.notify(gas_notice())
    call_command("notify_worker", "--once")
    assert len(endpoint.at("/hook")) == 1 and Delivery.objects.get().status == "sent"
    assert json.loads(endpoint.at("/hook")[0].body)["source_key"] == "monitoring.alarm:1:H"
