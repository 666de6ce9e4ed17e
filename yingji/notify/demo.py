"""The demo county's notifications: the emergency bureau's inbox hears every monitoring alarm.

Channels and rules are configuration: kept between demo runs (a channel with a delivery log cannot be
deleted) and put back as they were by name.
"""

from __future__ import annotations

from django.db import transaction

from yingji.core import audit
from yingji.core.demo import EMERGENCY, DemoSection
from yingji.core.models import AuditAction, Department, User

from .models import Channel, ChannelKind, ChannelRecipient, RoutingRule

CHANNEL_NAME = "应急局站内消息（演示）"
RULE_NAME = "监测报警通知应急局（演示）"


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """The in-app channel for the emergency bureau and the administrator, and the rule for monitoring alarms."""
    department = Department.objects.filter(code=EMERGENCY).first()
    channel, _ = Channel.objects.update_or_create(
        name=CHANNEL_NAME, defaults={"kind": ChannelKind.INAPP, "is_active": True, "owner_department": department})
    channel.recipients.all().delete()
    recipients = [ChannelRecipient(channel=channel, department=department)] if department else []
    recipients += [ChannelRecipient(channel=channel, user=u) for u in User.objects.filter(username="admin")]
    ChannelRecipient.objects.bulk_create(recipients)
    rule, _ = RoutingRule.objects.update_or_create(
        name=RULE_NAME, defaults={"domain": "monitoring", "kinds": ["raised", "escalated"], "min_level": 0,
                                  "area_prefix": "", "department": None, "is_active": True,
                                  "owner_department": department})
    rule.channels.set([channel])
    audit.record(AuditAction.IMPORT, actor=None, object_type="notify.channel", object_id=channel.pk,
                 object_repr=f"演示数据：{CHANNEL_NAME}",
                 after={"recipients": len(recipients), "rule": rule.pk, "demo": True})
    return DemoSection(counts={"通知渠道": 1, "通知规则": 1})
