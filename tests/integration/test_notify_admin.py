"""Notify in the Django admin: saves go through the audited services, the secret is write-only, test action."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.notify_support import Endpoint, serve_http
from yingji.core.models import AuditEvent
from yingji.notify.models import Channel, Delivery, RoutingRule

pytestmark = pytest.mark.django_db

SECRET = "SEC-admin-secret-value"


@pytest.fixture
def staff_client(people: Any, client_for: Any) -> Any:
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    return client_for(people.admin)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    yield from serve_http()


def form(url: str, **extra: Any) -> dict[str, Any]:
    return {"name": "值班群", "kind": "dingtalk", "url": url, "method": "POST", "headers": "{}", "body_template": "",
            "secret": SECRET, "sender_address": "", "max_attempts": 6, "is_active": "on", "owner_department": "",
            "note": "", **extra}


def test_admin_channel_secret_is_write_only_and_test_action_sends(staff_client: Any, endpoint: Endpoint) -> None:
    url = f"{endpoint.url}/robot/send?access_token=t"
    assert staff_client.post("/admin/notify/channel/add/", form(url)).status_code == 302
    channel = Channel.objects.get()
    assert channel.secret == SECRET
    assert AuditEvent.objects.filter(action="create", object_type="notify.channel").count() == 1
    page = staff_client.get(f"/admin/notify/channel/{channel.pk}/change/").content.decode()
    assert SECRET not in page and staff_client.get("/admin/notify/channel/").status_code == 200

    changed = staff_client.post(f"/admin/notify/channel/{channel.pk}/change/", form(url, name="新值班群", secret=""))
    assert changed.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.secret) == ("新值班群", SECRET)  # a blank secret keeps the stored one

    answer = staff_client.post("/admin/notify/channel/", {"action": "send_test", "_selected_action": [channel.pk]},
                               follow=True)
    assert "新值班群 → 群：已发送" in answer.content.decode()
    (request,) = endpoint.at("/robot/send")
    assert "sign" in request.query and Delivery.objects.get().status == "sent"


def test_admin_rule_is_saved_with_its_channels(staff_client: Any, endpoint: Endpoint) -> None:
    staff_client.post("/admin/notify/channel/add/", form(f"{endpoint.url}/robot/send"))
    channel = Channel.objects.get()
    answer = staff_client.post("/admin/notify/routingrule/add/", {
        "name": "二级报警", "domain": "monitoring", "kinds": '["escalated"]', "min_level": 3, "area_prefix": "",
        "department": "", "channels": [channel.pk], "is_active": "on", "owner_department": ""})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rule = RoutingRule.objects.get()
    assert (rule.kinds, rule.min_level, list(rule.channels.all())) == (["escalated"], 3, [channel])
    assert AuditEvent.objects.filter(action="create", object_type="notify.routingrule").count() == 1
