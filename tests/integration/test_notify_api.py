"""The notify API: channels and rules within the user's scope, secrets never echoed, test messages, the
delivery log with filters and export, the inbox; and alarms raised and escalated by readings notify once."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.integration.monitoring_support import batch, gas_detector, post
from tests.integration.notify_support import Endpoint, serve_http
from yingji.core.demo import EMERGENCY, upsert_departments
from yingji.core.models import AuditEvent, Department, User
from yingji.notify import sending, services
from yingji.notify.demo import load_demo
from yingji.notify.models import Channel, Delivery, InboxMessage
from yingji.notify.services import Notice, RecipientSpec

pytestmark = pytest.mark.django_db

API = "/api/v1/notify"
DING_SECRET = "SECtopsecret-ding"


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    yield from serve_http()


def ding_payload(url: str, **extra: Any) -> dict[str, Any]:
    return {"name": "应急局值班群", "kind": "dingtalk", "url": f"{url}/robot/send?access_token=tok123",
            "secret": DING_SECRET, **extra}


def test_channel_crud_never_echoes_the_secret(people: Any, client_for: Callable[..., Client],
                                              endpoint: Endpoint) -> None:
    client = client_for(people.emergency_officer)
    created = client.post(f"{API}/channels", ding_payload(endpoint.url), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_secret"] is True and "secret" not in body and DING_SECRET not in created.content.decode()
    assert body["url"].endswith("/robot/send?access_token=***") and "tok123" not in created.content.decode()
    assert body["owner_department"] == people.emergency_officer.department_id  # defaults to the actor's
    pk = body["id"]
    for answer in (client.get(f"{API}/channels"), client.get(f"{API}/channels/{pk}")):
        assert DING_SECRET not in answer.content.decode() and "tok123" not in answer.content.decode()
    audit_rows = AuditEvent.objects.filter(object_type="notify.channel")
    assert audit_rows.count() == 1 and DING_SECRET not in str(audit_rows[0].after)

    renamed = client.patch(f"{API}/channels/{pk}", {"name": "应急局值守群", "secret": ""},
                           content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "应急局值守群"
    assert Channel.objects.get(pk=pk).secret == DING_SECRET  # an empty secret keeps the stored one
    assert client.delete(f"{API}/channels/{pk}").status_code == 204


def test_channels_are_scoped_by_department(people: Any, client_for: Callable[..., Client],
                                           endpoint: Endpoint) -> None:
    pk = client_for(people.emergency_officer).post(f"{API}/channels", ding_payload(endpoint.url),
                                                   content_type="application/json").json()["id"]
    fire = client_for(people.fire_officer)
    assert fire.get(f"{API}/channels").json() == []
    assert fire.get(f"{API}/channels/{pk}").status_code == 404
    assert fire.patch(f"{API}/channels/{pk}", {"name": "x"}, content_type="application/json").status_code == 404
    assert client_for(people.admin).get(f"{API}/channels/{pk}").status_code == 200
    assert client_for(people.auditor).patch(f"{API}/channels/{pk}", {"name": "x"},
                                            content_type="application/json").status_code == 404
    # a rule may only send to channels its author manages
    answer = fire.post(f"{API}/rules", {"name": "火警", "channels": [pk]}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["detail"] == [{"field": "channels", "message": f"渠道 {pk} 不存在或不在您的管理范围内"}]


@pytest.mark.parametrize(("payload", "field", "words"), [
    ({"kind": "webhook", "url": "ftp://x"}, "url", "http://"),
    ({"kind": "email", "url": "smtp://mail.example.cn:25"}, "sender_address", "发件人"),
    ({"kind": "sms", "url": "https://sms.example.cn/send", "body_template": '{"to": "{{mobile}}"}'},
     "body_template", "未知的占位符：mobile"),
    ({"kind": "wecom", "url": "https://qyapi.weixin.qq.com/x", "recipients": [{"phone": "13800000000"}]},
     "recipients", "不设接收人"),
    ({"kind": "inapp", "recipients": [{"phone": "13800000000"}]}, "recipients.0", "用户或部门"),
    ({"kind": "inapp", "recipients": [{"user": 999999}]}, "recipients.0.user", "用户 999999 不存在"),
])
def test_bad_channels_are_refused_naming_the_field(people: Any, client_for: Callable[..., Client],
                                                   payload: dict[str, Any], field: str, words: str) -> None:
    answer = client_for(people.admin).post(f"{API}/channels", {"name": "坏渠道", **payload},
                                           content_type="application/json")
    assert answer.status_code == 422
    messages = {e["field"]: e["message"] for e in answer.json()["detail"]}
    assert words in messages[field]
    assert not Channel.objects.exists()


def test_send_test_message_reports_the_outcome(people: Any, client_for: Callable[..., Client],
                                               endpoint: Endpoint) -> None:
    client = client_for(people.admin)
    pk = client.post(f"{API}/channels", ding_payload(endpoint.url), content_type="application/json").json()["id"]
    (result,) = client.post(f"{API}/channels/{pk}/test").json()
    assert (result["status"], result["response_code"], result["attempts"]) == ("sent", 200, 1)
    (request,) = endpoint.at("/robot/send")
    assert "测试消息" in request.json()["markdown"]["title"] and "sign" in request.query
    endpoint.script["/robot/send"] = [500]
    (failed,) = client.post(f"{API}/channels/{pk}/test").json()
    assert (failed["status"], failed["response_code"]) == ("failed", 500) and "HTTP 500" in failed["last_error"]
    assert client.delete(f"{API}/channels/{pk}").status_code == 422  # it has a delivery log now


def test_delivery_log_filters_exports_and_retries(people: Any, client_for: Callable[..., Client],
                                                  endpoint: Endpoint) -> None:
    client = client_for(people.admin)
    hook = client.post(f"{API}/channels", {"name": "对接平台", "kind": "webhook", "url": f"{endpoint.url}/h",
                                           "max_attempts": 1}, content_type="application/json").json()["id"]
    rule = client.post(f"{API}/rules", {"name": "全部", "domain": "monitoring", "kinds": ["raised"],
                                        "channels": [hook]}, content_type="application/json")
    assert rule.status_code == 201 and rule.json()["kinds"] == ["raised"]
    endpoint.script["/h"] = [503]
    for key in ("monitoring.alarm:1:H", "monitoring.alarm:2:H"):
        services.notify(Notice(domain="monitoring", kind="raised", level=2, title=key, source_key=key))
    sending.send_due()
    everything = client.get(f"{API}/deliveries").json()
    assert everything["count"] == 2
    dead = client.get(f"{API}/deliveries", {"status": "dead"}).json()["items"]
    assert len(dead) == 1 and dead[0]["response_code"] == 503
    assert client.get(f"{API}/deliveries", {"source_key": "monitoring.alarm:2"}).json()["count"] == 1
    assert client.get(f"{API}/deliveries", {"status": "nonsense"}).status_code == 422
    export = client.get(f"{API}/deliveries/export", {"format": "csv", "status": "dead"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and text.count("\n") == 2 and "对接平台" in text and "已放弃" in text
    exported = AuditEvent.objects.get(action="export", object_type="notify.delivery")
    assert exported.after == {"filters": {"status": "dead"}} and exported.actor == people.admin
    assert client.get(f"{API}/deliveries/export", {"format": "pdf"}).status_code == 422
    retried = client.post(f"{API}/deliveries/{dead[0]['id']}/retry").json()
    assert (retried["status"], retried["attempts"]) == ("queued", 0)
    assert sending.send_due().sent == 1
    assert client_for(people.fire_officer).get(f"{API}/deliveries").json()["count"] == 0  # not their channel


def test_inbox_lists_counts_and_marks_read(people: Any, client_for: Callable[..., Client]) -> None:
    inapp = services.create_channel({"name": "站内", "kind": "inapp"},
                                    [RecipientSpec(user=people.emergency_officer.pk)], actor=people.admin)
    services.create_rule({"name": "全部"}, [inapp.pk], actor=people.admin)
    for i in range(3):
        services.notify(Notice(domain="command", kind="raised", level=3, title=f"事件 {i}", source_key=f"c:{i}"))
    sending.send_due()
    client = client_for(people.emergency_officer)
    inbox = client.get(f"{API}/inbox").json()
    assert (inbox["count"], inbox["unread"]) == (3, 3)
    first = inbox["items"][0]["id"]
    assert client.post(f"{API}/inbox/{first}/read").json()["read_at"] is not None
    assert client.get(f"{API}/inbox", {"unread": True}).json()["count"] == 2
    assert client.post(f"{API}/inbox/read", {}, content_type="application/json").json() == {"marked": 2, "unread": 0}
    other = client_for(people.fire_officer)
    assert other.get(f"{API}/inbox").json()["count"] == 0
    assert other.post(f"{API}/inbox/{first}/read").status_code == 404  # somebody else's message


def test_alarms_raised_and_escalated_by_readings_notify_once(people: Any, enterprise_a: Any, departments: Any,
                                                             django_capture_on_commit_callbacks: Any) -> None:
    inapp = services.create_channel({"name": "应急局站内", "kind": "inapp"},
                                    [RecipientSpec(department=departments.emergency.pk)], actor=people.admin)
    services.create_rule({"name": "监测报警", "domain": "monitoring", "kinds": ["raised", "escalated"]},
                         [inapp.pk], actor=people.admin)
    gas = gas_detector("GAS-N1", enterprise_a, people.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        # 30 %LEL raises the first alarm, 55 escalates it; repeats and the resend of the batch add nothing
        for _ in range(2):
            assert post(gas.client(), batch(gas.channel.pk, [10.0, 30, 31, 55, 56])).status_code == 200
        sending.send_due()
    keys = sorted(Delivery.objects.values_list("source_key", "kind", "level"))
    alarm_id = keys[0][0].split(":")[1]
    assert keys == [(f"monitoring.alarm:{alarm_id}:H", "raised", 2),
                    (f"monitoring.alarm:{alarm_id}:HH", "escalated", 3)]
    titles = list(InboxMessage.objects.filter(user=people.emergency_officer).values_list("title", "link"))
    assert len(titles) == 2 and all(link == f"/monitoring/alarms/{alarm_id}/" for _, link in titles)
    assert all("可燃气体探测器 GAS-N1" in title for title, _ in titles)
    delivery = Delivery.objects.filter(kind="raised").get()
    assert delivery.area_code == enterprise_a.admin_area.code  # the device's area, inherited from its enterprise


def test_demo_loader_routes_monitoring_alarms_to_the_emergency_bureau(db: Any) -> None:
    upsert_departments()
    officer = User.objects.create(username="yingji_officer", role="department_officer",
                                  department=Department.objects.get(code=EMERGENCY))
    for _ in range(2):  # a second run puts the same configuration back
        load_demo(password="x")
    assert Channel.objects.count() == 1
    services.notify(Notice(domain="monitoring", kind="raised", level=2, title="演示报警", source_key="demo:1"))
    sending.send_due()
    assert list(InboxMessage.objects.values_list("user", flat=True)) == [officer.pk]


def test_inbox_page_lists_and_marks_read_in_both_languages(people: Any, client_for: Callable[..., Client]) -> None:
    inapp = services.create_channel({"name": "站内", "kind": "inapp"},
                                    [RecipientSpec(user=people.emergency_officer.pk)], actor=people.admin)
    services.create_rule({"name": "全部"}, [inapp.pk], actor=people.admin)
    services.notify(Notice(domain="command", kind="raised", level=4, title="较大事故", source_key="c:1"))
    sending.send_due()
    client = client_for(people.emergency_officer)
    page = client.get("/notify/inbox/").content.decode()
    assert "较大事故" in page and "特别严重" in page and 'id="inbox-badge" data-unread="1"' in page
    client.cookies["django_language"] = "en"
    english = client.get("/notify/inbox/").content.decode()
    assert "Mark all read" in english and "1 unread" in english
    assert client.post("/notify/inbox/read/", {}).status_code == 302
    assert 'data-unread="0" hidden' in client.get("/notify/inbox/").content.decode()
    assert client_for(people.fire_officer).get("/notify/inbox/").content.decode().count("较大事故") == 0


def test_delivery_log_page_filters_and_links_the_same_export(people: Any, client_for: Callable[..., Client],
                                                             endpoint: Endpoint) -> None:
    hook = services.create_channel({"name": "对接平台", "kind": "webhook", "url": f"{endpoint.url}/h",
                                    "max_attempts": 1}, [], actor=people.admin)
    services.create_rule({"name": "全部"}, [hook.pk], actor=people.admin)
    endpoint.script["/h"] = [500]
    for key in ("a:1", "a:2"):
        services.notify(Notice(domain="monitoring", kind="raised", level=2, title=f"报警 {key}", source_key=key))
    sending.send_due()
    client = client_for(people.admin)
    today = timezone.localdate().isoformat()
    answer = client.get("/notify/deliveries/", {"status": "dead", "since": today, "until": today})
    page = answer.content.decode()
    assert answer.status_code == 200 and page.count('data-status="dead"') == 1 and "HTTP 500" in page
    export_href = re.search(r'id="export-xlsx" href="([^"]+)"', page)
    assert export_href is not None
    export = client.get(html.unescape(export_href.group(1)))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/notify/deliveries/", {"status": "bogus", "since": "28/11/2026"}).status_code == 200
    assert 'data-status=' not in client_for(people.fire_officer).get("/notify/deliveries/").content.decode()
