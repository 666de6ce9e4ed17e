"""Notify writes: the `notify` facade other domains call, and channels, routing rules and the inbox.

`notify(notice)` runs inside the caller's transaction and only writes Delivery rows (unique per source,
channel and recipient); the worker (`sending.send_due`) sends them after commit, never inside it.
Channel and rule changes validate, check the actor's scope, audit and publish like every other service;
a channel's secret never reaches the audit log, the API or the admin's list.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditAction, Department, User
from yingji.core.records import apply_fields, ensure_may_change

from . import formats, worker
from .constants import RATE_LIMIT_MAX, NotifyAudit
from .models import (
    Channel,
    ChannelKind,
    ChannelRecipient,
    Delivery,
    DeliveryStatus,
    InboxMessage,
    RoutingRule,
)
from .notices import Notice
from .routing import RuleSpec, route
from .sending import SendReport, send_deliveries, send_due
from .throttle import LIMITABLE_KINDS

CHANNEL_FIELDS = ("name", "kind", "url", "method", "headers", "body_template", "secret", "sender_address",
                  "max_attempts", "rate_limit_per_minute", "is_active", "owner_department", "note")
RULE_FIELDS = ("name", "domain", "kinds", "min_level", "area_prefix", "department", "is_active",
               "owner_department")
HTTP_KINDS = frozenset({ChannelKind.WEBHOOK, ChannelKind.DINGTALK, ChannelKind.WECOM, ChannelKind.SMS})
MAX_ATTEMPTS_LIMIT = 20

__all__ = ["Notice", "RecipientSpec", "SendReport", "notify", "send_due"]


# --- the facade ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    recipient: str
    user_id: int | None = None


def _department_users(department_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(department_id__in=list(department_ids), is_active=True).order_by("pk"))


def targets_of(channel: Channel) -> list[Target]:
    """Where one notice on this channel goes: one target for robots and webhooks, one per person otherwise."""
    if channel.kind not in (ChannelKind.INAPP, ChannelKind.EMAIL, ChannelKind.SMS):
        return [Target("")]
    recipients = list(channel.recipients.all())
    users = [r.user for r in recipients if r.user is not None and r.user.is_active]
    departments = [r.department for r in recipients if r.department is not None]
    users += _department_users(d.pk for d in departments)
    found: dict[str, Target] = {}
    if channel.kind == ChannelKind.INAPP:
        for u in users:
            found.setdefault(f"user:{u.pk}", Target(f"user:{u.pk}", u.pk))
        return list(found.values())
    if channel.kind == ChannelKind.EMAIL:
        addresses = [u.email for u in users] + [r.email for r in recipients]
    else:
        addresses = [u.phone for u in users] + [d.phone for d in departments] + [r.phone for r in recipients]
    for address in addresses:
        if address and address.strip():
            found.setdefault(address.strip(), Target(address.strip()))
    return list(found.values())


def _rule_specs() -> list[RuleSpec]:
    rules = RoutingRule.objects.filter(is_active=True).prefetch_related("channels").order_by("pk")
    return [RuleSpec(id=r.pk, channel_ids=tuple(c.pk for c in r.channels.all() if c.is_active), domain=r.domain,
                     kinds=frozenset(r.kinds), min_level=r.min_level, area_prefix=r.area_prefix,
                     department_id=r.department_id) for r in rules]


def _deliveries(notice: Notice, channels: Iterable[Channel], now: Any) -> list[Delivery]:
    return [
        Delivery(source_key=notice.source_key[:200], channel=channel, recipient=target.recipient[:200],
                 recipient_user_id=target.user_id, domain=notice.domain, kind=notice.kind, level=notice.level,
                 area_code=notice.area_code or "", department_id=notice.department_id, title=notice.title[:200],
                 body=notice.body, link=notice.link[:500], next_attempt_at=now)
        for channel in channels for target in targets_of(channel)
    ]


def notify(notice: Notice) -> int:
    """Queue a notice for every channel and recipient its routing rules name; the number newly queued.

    Call it inside your own transaction: the rows commit (or roll back) with your change, and the worker
    is woken after commit. Calling it again with the same `source_key` queues nothing new (the unique
    constraint holds even when two transactions race; the count returned may then include a row the
    other one queued first).
    """
    channel_ids = route(notice.facts(), _rule_specs())
    if not channel_ids:
        return 0
    channels = Channel.objects.filter(pk__in=channel_ids, is_active=True).prefetch_related(
        "recipients__user", "recipients__department")
    queued = set(Delivery.objects.filter(source_key=notice.source_key[:200]).values_list("channel_id", "recipient"))
    rows = [d for d in _deliveries(notice, channels, timezone.now()) if (d.channel_id, d.recipient) not in queued]
    if rows:
        # ignore_conflicts: a concurrent call for the same source may have queued some of them meanwhile
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(worker.wake)
    return len(rows)


# --- channels ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecipientSpec:
    """One recipient as the API or admin names it: a user, a department, or an outside phone / email."""

    user: int | None = None
    department: int | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


def channel_snapshot(channel: Channel) -> dict[str, Any]:
    """The audit before/after of a channel: its fields with the secret masked, and its recipients."""
    data = audit.snapshot(channel)
    data["secret"] = "***" if channel.secret else ""
    data["url"] = masked_url(channel.url)
    data["recipients"] = [
        {"user": r.user_id, "department": r.department_id, "name": r.name, "phone": r.phone, "email": r.email}
        for r in channel.recipients.all()
    ] if channel.pk else []
    return data


def masked_url(url: str) -> str:
    """The URL with query values and any password hidden: robot tokens and keys travel in the query string."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", ":***@")
    query = "&".join(f"{k}=***" for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _check_channel(channel: Channel) -> None:
    """Field-level errors for a channel that could never send; nothing is saved when any is found."""
    errors: dict[str, str] = {}
    scheme = urllib.parse.urlsplit(channel.url).scheme.lower()
    if channel.kind in HTTP_KINDS and scheme not in ("http", "https"):
        errors["url"] = f"{channel.get_kind_display()}须填写 http:// 或 https:// 开头的地址"
    if channel.kind == ChannelKind.EMAIL:
        if scheme not in ("smtp", "smtps") or not urllib.parse.urlsplit(channel.url).hostname:
            errors["url"] = "邮件渠道的地址格式为 smtp://用户名@主机:端口（隐式 TLS 用 smtps://）"
        if "@" not in channel.sender_address:
            errors["sender_address"] = "邮件渠道须填写发件人邮箱"
    if channel.kind == ChannelKind.SMS:
        if not channel.body_template.strip() and channel.method == "POST":
            errors["body_template"] = ("短信网关须填写请求体模板"
                                       "（如 {\"mobile\": \"{{phone}}\", \"content\": \"{{text}}\"}）")
        unknown = formats.unknown_placeholders(channel.body_template + channel.url + str(channel.headers))
        if unknown:
            allowed = "、".join(sorted(formats.SMS_PLACEHOLDERS))
            errors["body_template"] = f"未知的占位符：{'、'.join(unknown)}（可用：{allowed}）"
    if not isinstance(channel.headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in channel.headers.items()):
        errors["headers"] = "请求头须为“名称: 值”的文本对象"
    if not 1 <= channel.max_attempts <= MAX_ATTEMPTS_LIMIT:
        errors["max_attempts"] = f"最多尝试次数须在 1 到 {MAX_ATTEMPTS_LIMIT} 之间"
    if channel.rate_limit_per_minute is not None:
        if channel.kind not in LIMITABLE_KINDS:
            errors["rate_limit_per_minute"] = "每分钟限额只适用于群机器人和 Webhook 渠道"
        elif not 2 <= channel.rate_limit_per_minute <= RATE_LIMIT_MAX:
            errors["rate_limit_per_minute"] = (f"每分钟限额须在 2 到 {RATE_LIMIT_MAX} 之间"
                                               "（至少一条通知加一条汇总消息）；留空为默认")
    if errors:
        raise ValidationError(errors)


def _check_recipients(kind: str, specs: Sequence[RecipientSpec]) -> list[ChannelRecipient]:
    errors: dict[str, str] = {}
    rows: list[ChannelRecipient] = []
    for i, spec in enumerate(specs):
        where = f"recipients.{i}"
        if kind not in (ChannelKind.INAPP, ChannelKind.EMAIL, ChannelKind.SMS):
            errors["recipients"] = "群机器人和 Webhook 渠道不设接收人，消息发到群里"
            break
        if spec.user is not None and not User.objects.filter(pk=spec.user).exists():
            errors[f"{where}.user"] = f"用户 {spec.user} 不存在"
        if spec.department is not None and not Department.objects.filter(pk=spec.department).exists():
            errors[f"{where}.department"] = f"部门 {spec.department} 不存在"
        if spec.user is None and spec.department is None:
            if kind == ChannelKind.INAPP:
                errors[where] = "站内消息的接收人须为用户或部门"
            elif kind == ChannelKind.EMAIL and "@" not in spec.email:
                errors[f"{where}.email"] = "请填写接收邮箱，或选择用户、部门"
            elif kind == ChannelKind.SMS and not spec.phone.strip():
                errors[f"{where}.phone"] = "请填写手机号，或选择用户、部门"
        rows.append(ChannelRecipient(user_id=spec.user, department_id=spec.department, name=spec.name[:100],
                                     phone=spec.phone.strip()[:32], email=spec.email.strip()))
    if errors:
        raise ValidationError(errors)
    return rows


def _default_department(obj: Channel | RoutingRule, actor: Any) -> None:
    if obj.owner_department_id is None and getattr(actor, "department_id", None):
        obj.owner_department_id = actor.department_id


def _save_channel(channel: Channel, recipients: Sequence[RecipientSpec] | None, *, actor: Any) -> None:
    channel.full_clean()
    _check_channel(channel)
    ensure_may_change(channel, actor, "通知渠道")
    rows = _check_recipients(channel.kind, recipients) if recipients is not None else None
    channel.save()
    if rows is not None:
        channel.recipients.all().delete()
        for row in rows:
            row.channel = channel
        ChannelRecipient.objects.bulk_create(rows)


@transaction.atomic
def create_channel(data: Mapping[str, Any], recipients: Sequence[RecipientSpec] = (), *, actor: Any) -> Channel:
    """A new channel with its recipients; owned by the actor's department unless another is named."""
    channel = Channel()
    apply_fields(channel, data, allowed=CHANNEL_FIELDS)
    _default_department(channel, actor)
    _save_channel(channel, recipients, actor=actor)
    audit.record(AuditAction.CREATE, actor=actor, object_type="notify.channel", object_id=channel.pk,
                 object_repr=str(channel), after=channel_snapshot(channel))
    return channel


@transaction.atomic
def update_channel(channel: Channel, data: Mapping[str, Any], recipients: Sequence[RecipientSpec] | None = None,
                   *, actor: Any) -> Channel:
    """Change a channel; recipients are replaced when given. An empty secret in `data` keeps the old one."""
    ensure_may_change(channel, actor, "通知渠道")
    before = channel_snapshot(channel)
    data = {k: v for k, v in data.items() if not (k == "secret" and not v)}
    apply_fields(channel, data, allowed=CHANNEL_FIELDS)
    _save_channel(channel, recipients, actor=actor)
    audit.record(AuditAction.UPDATE, actor=actor, object_type="notify.channel", object_id=channel.pk,
                 object_repr=str(channel), before=before, after=channel_snapshot(channel))
    return channel


@transaction.atomic
def delete_channel(channel: Channel, *, actor: Any) -> None:
    """Delete a channel that has never sent anything; one with a delivery log is switched off instead."""
    ensure_may_change(channel, actor, "通知渠道")
    if channel.deliveries.exists():
        raise ValidationError({"channel": f"渠道“{channel.name}”已有发送记录，不能删除；请停用（is_active=false）"})
    before, pk, label = channel_snapshot(channel), channel.pk, str(channel)
    channel.delete()
    audit.record(AuditAction.DELETE, actor=actor, object_type="notify.channel", object_id=pk, object_repr=label,
                 before=before)


# --- routing rules -----------------------------------------------------------------------------------------
def _rule_snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {**audit.snapshot(rule), "channels": sorted(rule.channels.values_list("pk", flat=True))}


def _save_rule(rule: RoutingRule, channel_ids: Sequence[int] | None, *, actor: Any) -> None:
    rule.full_clean()
    errors: dict[str, str] = {}
    if not isinstance(rule.kinds, list) or not all(isinstance(k, str) and k for k in rule.kinds):
        errors["kinds"] = "事件类型须为文本列表，如 [\"raised\", \"escalated\"]"
    if rule.area_prefix and not rule.area_prefix.isdigit():
        errors["area_prefix"] = "区域代码前缀只能是数字（行政区划代码）"
    channels: list[Channel] = []
    if channel_ids is not None:
        usable = {c.pk: c for c in Channel.objects.writable_by(actor).filter(pk__in=list(channel_ids))}
        missing = [str(pk) for pk in channel_ids if pk not in usable]
        if missing:
            errors["channels"] = f"渠道 {', '.join(missing)} 不存在或不在您的管理范围内"
        elif not channel_ids:
            errors["channels"] = "请至少选择一个渠道"
        channels = list(usable.values())
    if errors:
        raise ValidationError(errors)
    ensure_may_change(rule, actor, "通知路由规则")
    rule.save()
    if channel_ids is not None:
        rule.channels.set(channels)


@transaction.atomic
def create_rule(data: Mapping[str, Any], channel_ids: Sequence[int], *, actor: Any) -> RoutingRule:
    """A new routing rule sending matching notices to the given channels (which the actor must manage)."""
    rule = RoutingRule()
    apply_fields(rule, data, allowed=RULE_FIELDS)
    _default_department(rule, actor)
    _save_rule(rule, channel_ids, actor=actor)
    audit.record(AuditAction.CREATE, actor=actor, object_type="notify.routingrule", object_id=rule.pk,
                 object_repr=str(rule), after=_rule_snapshot(rule))
    return rule


@transaction.atomic
def update_rule(rule: RoutingRule, data: Mapping[str, Any], channel_ids: Sequence[int] | None = None, *,
                actor: Any) -> RoutingRule:
    ensure_may_change(rule, actor, "通知路由规则")
    before = _rule_snapshot(rule)
    apply_fields(rule, data, allowed=RULE_FIELDS)
    _save_rule(rule, channel_ids, actor=actor)
    audit.record(AuditAction.UPDATE, actor=actor, object_type="notify.routingrule", object_id=rule.pk,
                 object_repr=str(rule), before=before, after=_rule_snapshot(rule))
    return rule


@transaction.atomic
def delete_rule(rule: RoutingRule, *, actor: Any) -> None:
    ensure_may_change(rule, actor, "通知路由规则")
    before, pk, label = _rule_snapshot(rule), rule.pk, str(rule)
    rule.delete()
    audit.record(AuditAction.DELETE, actor=actor, object_type="notify.routingrule", object_id=pk,
                 object_repr=label, before=before)


# --- test messages, retries --------------------------------------------------------------------------------
@transaction.atomic
def queue_test(channel: Channel, *, actor: Any) -> list[int]:
    """Queue a test message on one channel for all its recipients; the new deliveries' ids."""
    ensure_may_change(channel, actor, "通知渠道")
    now = timezone.now()
    name = getattr(actor, "full_name", "") or getattr(actor, "username", "") or "system"
    notice = Notice(domain="notify", kind="test", level=1, title=f"测试消息：{channel.name}",
                    body=f"{name} 于 {timezone.localtime(now):%Y-%m-%d %H:%M:%S} 发送的测试消息，请忽略。",
                    source_key=f"notify.test:{channel.pk}:{now.timestamp():.6f}")
    rows = _deliveries(notice, [channel], now)
    if not rows:
        raise ValidationError({"recipients": f"渠道“{channel.name}”没有可发送的接收人"})
    Delivery.objects.bulk_create(rows)
    audit.record(NotifyAudit.TEST_SENT, actor=actor, object_type="notify.channel", object_id=channel.pk,
                 object_repr=str(channel), after={"recipients": [r.recipient for r in rows]})
    return list(Delivery.objects.filter(source_key=notice.source_key).values_list("pk", flat=True))


def send_test(channel: Channel, *, actor: Any) -> list[Delivery]:
    """Queue a test message and send it at once (after its queueing committed); the deliveries as they ended."""
    ids = queue_test(channel, actor=actor)
    send_deliveries(ids)
    return list(Delivery.objects.filter(pk__in=ids).select_related("channel").order_by("pk"))


@transaction.atomic
def retry(delivery: Delivery, *, actor: Any) -> Delivery:
    """Queue a failed or dead delivery again with a fresh count of attempts (e.g. after fixing the channel)."""
    ensure_may_change(delivery, actor, "发送记录")
    if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.DEAD):
        raise ValidationError({"status": f"发送记录当前为“{delivery.get_status_display()}”，只有失败的记录可以重发"})
    before = audit.snapshot(delivery)
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.QUEUED, 0, timezone.now()
    delivery.claimed_by, delivery.claimed_until = "", None
    delivery.save()
    audit.record_change(NotifyAudit.DELIVERY_RETRY, delivery, actor=actor, before=before)
    transaction.on_commit(worker.wake)
    return delivery


@transaction.atomic
def record_export(filters: Mapping[str, Any], fmt: str, *, actor: Any) -> None:
    """Audit who took which part of the delivery log out (the file itself streams after this commits)."""
    audit.record(AuditAction.EXPORT, actor=actor, object_type="notify.delivery",
                 object_repr=f"导出通知发送记录（{fmt}）",
                 after={"filters": {k: str(v) for k, v in filters.items() if v is not None}})


# --- the inbox ---------------------------------------------------------------------------------------------
def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones when `ids` is None); how many changed."""
    unread = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(Q(user=user) & Q(read_at__isnull=True)).count()
