"""The demo county's notifications: the emergency bureau's inbox hears every monitoring alarm and every
special-work permit an alarm stopped.

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
# (name, domain, kinds): the domains' own names for what they notify
RULES = ((RULE_NAME, "monitoring", ["raised", "escalated"]),
         ("特殊作业因报警暂停通知应急局（演示）", "worksafety", ["alarm_suspended"]))


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """The in-app channel for the emergency bureau and the administrator, and the rules that feed it."""
    department = Department.objects.filter(code=EMERGENCY).first()
    channel, _ = Channel.objects.update_or_create(
        name=CHANNEL_NAME, defaults={"kind": ChannelKind.INAPP, "is_active": True, "owner_department": department})
    channel.recipients.all().delete()
    recipients = [ChannelRecipient(channel=channel, department=department)] if department else []
    recipients += [ChannelRecipient(channel=channel, user=u) for u in User.objects.filter(username="admin")]
    ChannelRecipient.objects.bulk_create(recipients)
    rules = []
    for name, domain, kinds in RULES:
        rule, _ = RoutingRule.objects.update_or_create(
            name=name, defaults={"domain": domain, "kinds": kinds, "min_level": 0, "area_prefix": "",
                                 "department": None, "is_active": True, "owner_department": department})
        rule.channels.set([channel])
        rules.append(rule.pk)
    audit.record(AuditAction.IMPORT, actor=None, object_type="notify.channel", object_id=channel.pk,
                 object_repr=f"演示数据：{CHANNEL_NAME}",
                 after={"recipients": len(recipients), "rules": rules, "demo": True})
    return DemoSection(counts={"通知渠道": 1, "通知规则": len(rules)})
