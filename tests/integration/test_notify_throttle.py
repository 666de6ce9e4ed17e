"""Alarm storms on robot channels: at most N messages a minute per robot, the excess merged into one digest.

The clock is the `now` every `send_due` call is given; the robot is a real local HTTP endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.integration.notify_support import Endpoint, serve_http
from yingji.notify import formats, sending, services, throttle
from yingji.notify.models import Delivery, DeliveryStatus
from yingji.notify.services import Notice

pytestmark = pytest.mark.django_db
ROBOT = "/robot/send"


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    yield from serve_http()


def robot(people: Any, endpoint: Endpoint, kind: str = "dingtalk", **extra: Any) -> Any:
    channel = services.create_channel({"name": "值班群机器人", "kind": kind,
                                       "url": f"{endpoint.url}{ROBOT}?access_token=t", **extra}, [],
                                      actor=people.admin)
    services.create_rule({"name": "全部报警"}, [channel.pk], actor=people.admin)
    return channel


def storm(levels: list[int], start: int = 0) -> None:
    for i, level in enumerate(levels, start):
        services.notify(Notice(domain="monitoring", kind="raised", level=level, title=f"报警 {i}", body="",
                               link=f"/monitoring/alarms/{i}/", source_key=f"monitoring.alarm:{i}:raised"))


def sent_titles(endpoint: Endpoint) -> list[str]:
    return [r.json()["markdown"]["title"] for r in endpoint.at(ROBOT)]


def test_a_storm_sends_twenty_a_minute_the_worst_alone_and_the_rest_in_one_digest(
        people: Any, endpoint: Endpoint) -> None:
    robot(people, endpoint)
    storm([1] * 10 + [2] * 15 + [3] * 5)  # 30 notices at once: 5 严重, 15 较重, 10 一般
    t0 = timezone.now()
    report = sending.send_due(t0)
    assert report.sent == 20 and len(endpoint.at(ROBOT)) == 20  # 19 alone + 1 digest, nothing failed
    titles = sent_titles(endpoint)
    alone = {t for t in titles if t.startswith("报警")}
    assert alone == {f"报警 {i}" for i in [*range(10, 24), *range(25, 30)]}  # the 5 严重 and the first 14 较重
    assert titles[-1] == "另有 11 条告警（较重 1 条、一般 10 条）"
    digest = Delivery.objects.get(kind="digest")
    assert (digest.status, digest.level, digest.link) == (DeliveryStatus.SENT, 2, "/monitoring/alarms/")
    merged = Delivery.objects.filter(status=DeliveryStatus.MERGED)
    assert merged.count() == 11 and set(merged.values_list("merged_into", flat=True)) == {digest.pk}
    assert set(merged.values_list("title", flat=True)) == {"报警 24"} | {f"报警 {i}" for i in range(10)}
    assert all(d.sent_at is None and d.attempts == 0 for d in merged)  # never sent on their own
    # nothing more goes out for them, however often the worker runs
    for later in (30, 61, 3600):
        sending.send_due(t0 + timedelta(seconds=later))
    assert len(endpoint.at(ROBOT)) == 20


def test_notices_past_a_full_minute_wait_for_room_and_are_not_lost(people: Any, endpoint: Endpoint) -> None:
    robot(people, endpoint, rate_limit_per_minute=3)
    storm([2] * 3)
    t0 = timezone.now()
    assert sending.send_due(t0).sent == 3  # exactly the limit: no digest
    storm([2, 3], start=3)
    assert sending.send_due(t0 + timedelta(seconds=30)).attempted == 0  # the minute is full: they wait
    waiting = Delivery.objects.filter(status=DeliveryStatus.QUEUED)
    assert set(waiting.values_list("next_attempt_at", flat=True)) == {t0 + timedelta(seconds=60)}
    assert all(d.attempts == 0 and d.claimed_by == "" for d in waiting)
    assert sending.send_due(t0 + timedelta(seconds=60)).sent == 2  # the window moved on: both alone
    assert sent_titles(endpoint)[3:] == ["报警 4", "报警 3"]  # the worse first


def test_a_failing_digest_is_retried_and_its_notices_never_go_alone(people: Any, endpoint: Endpoint) -> None:
    robot(people, endpoint, kind="wecom", rate_limit_per_minute=2)
    endpoint.script[ROBOT] = [200, 500]  # the digest's first attempt fails
    storm([3, 2, 1])
    t0 = timezone.now()
    report = sending.send_due(t0)
    assert (report.sent, report.failed) == (1, 1)
    digest = Delivery.objects.get(kind="digest")
    assert digest.status == DeliveryStatus.FAILED and digest.next_attempt_at == t0 + timedelta(seconds=30)
    assert sending.send_due(t0 + timedelta(seconds=30)).attempted == 0  # due, but both sends still count
    assert sending.send_due(t0 + timedelta(seconds=60)).sent == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (DeliveryStatus.SENT, 2)
    contents = [r.json()["markdown"]["content"] for r in endpoint.at(ROBOT)]
    assert len(contents) == 3 and "另有 2 条告警（较重 1 条、一般 1 条）" in contents[2]
    assert Delivery.objects.filter(status=DeliveryStatus.MERGED, merged_into=digest).count() == 2


def test_a_webhook_has_no_limit_unless_one_is_set(people: Any, endpoint: Endpoint) -> None:
    robot(people, endpoint, kind="webhook")
    storm([2] * 25)
    assert sending.send_due(timezone.now()).sent == 25
    assert not Delivery.objects.filter(kind="digest").exists()


def test_two_workers_share_one_robots_minute(people: Any, endpoint: Endpoint) -> None:
    robot(people, endpoint, rate_limit_per_minute=4)
    storm([2] * 6)
    now = timezone.now()
    first = sending.claim(now, worker="a", limit=3)
    second = sending.claim(now, worker="b", limit=10)
    # a sees b's three claimed (about to be sent): one slot left, for a digest of its own three
    (digest,) = throttle.plan(first, now, worker="a")
    assert digest.kind == "digest" and digest.title.startswith("另有 3 条告警")
    # b sees a's digest in flight: three slots, its three go alone — four messages in the minute, the limit
    assert len(throttle.plan(second, now, worker="b")) == 3


def test_the_delivery_log_shows_what_a_digest_carried(people: Any, endpoint: Endpoint,
                                                      client_for: Callable[..., Client]) -> None:
    robot(people, endpoint, rate_limit_per_minute=2)
    storm([2] * 4)
    sending.send_due(timezone.now())
    digest = Delivery.objects.get(kind="digest")
    client = client_for(people.admin)
    items = client.get("/api/v1/notify/deliveries", {"merged_into": digest.pk}).json()["items"]
    assert len(items) == 3 and {i["status"] for i in items} == {"merged"}
    assert {i["merged_into"] for i in items} == {digest.pk}
    (shown,) = [i for i in client.get("/api/v1/notify/deliveries").json()["items"] if i["id"] == digest.pk]
    assert shown["merged_count"] == 3
    page = client.get("/notify/deliveries/", {"merged_into": digest.pk}).content.decode()
    assert page.count("已合并") >= 3 and f"并入 #{digest.pk}" in page


@pytest.mark.parametrize(("kind", "limit", "message"), [
    ("email", 10, "只适用于群机器人和 Webhook"),
    ("dingtalk", 1, "须在 2 到 1000 之间"),
    ("wecom", 5000, "须在 2 到 1000 之间"),
])
def test_a_limit_is_refused_where_it_cannot_work(people: Any, client_for: Callable[..., Client], kind: str,
                                                 limit: int, message: str) -> None:
    body = {"name": "渠道", "kind": kind, "url": "smtp://a@mail.example.cn:25" if kind == "email"
            else "https://oapi.dingtalk.com/robot/send?access_token=x", "sender_address": "yj@example.cn",
            "rate_limit_per_minute": limit}
    response = client_for(people.admin).post("/api/v1/notify/channels", body, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["rate_limit_per_minute"]
    assert message in response.json()["detail"][0]["message"]


def test_channel_shows_its_limit_in_force(people: Any, client_for: Callable[..., Client]) -> None:
    client = client_for(people.admin)
    made = client.post("/api/v1/notify/channels", {"name": "钉钉", "kind": "dingtalk",
                                                   "url": "https://oapi.dingtalk.com/robot/send?access_token=x"},
                       content_type="application/json").json()
    assert (made["rate_limit_per_minute"], made["effective_rate_limit"]) == (None, 20)
    changed = client.patch(f"/api/v1/notify/channels/{made['id']}", {"rate_limit_per_minute": 10},
                           content_type="application/json").json()
    assert (changed["rate_limit_per_minute"], changed["effective_rate_limit"]) == (10, 10)


@pytest.mark.parametrize(("items", "title"), [
    ([(1, "a")], "另有 1 条告警（一般 1 条）"),
    ([(2, "a"), (4, "b"), (2, "c")], "另有 3 条告警（特别严重 1 条、较重 2 条）"),
])
def test_digest_title_counts_by_level_worst_first(items: list[tuple[int, str]], title: str) -> None:
    assert formats.digest(items)[0] == title


def test_digest_body_lists_the_worst_first_and_says_how_many_more() -> None:
    _, body = formats.digest([(1, f"一般 {i}") for i in range(12)] + [(3, "严重")], listed=3)
    assert body.splitlines()[1:] == ["- 【严重】严重", "- 【一般】一般 0", "- 【一般】一般 1",
                                     "- ……其余 10 条见平台发送记录"]
