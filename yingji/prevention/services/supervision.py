"""Government supervision: checks with enforcement orders followed up to closure; subscriptions' states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.records import apply_fields
from yingji.core.roles import Role
from yingji.core.scoping import Principal

from ..constants import TOPIC_SUPERVISION, PreventionAudit
from ..models import EnforcementOrder, OrderStatus, Subscription, SubscriptionState, SupervisionCheck
from . import common

CHECK_FIELDS = ("enterprise", "mode", "checked_on", "findings")
SUBSCRIPTION_FIELDS = ("enterprise", "plan", "seats", "starts_on", "ends_on", "state", "note")


def _government_only(actor: Any, what: str) -> None:
    principal = Principal.of(actor)
    if principal.role in (Role.ENTERPRISE_OFFICER, Role.EXPERT, Role.RESCUE_LEADER) and not principal.is_superuser:
        raise PermissionDenied(f"只有政府监管人员可以{what}")


@transaction.atomic
def record_check(data: Mapping[str, Any], orders: Sequence[Mapping[str, Any]], *, actor: Any) -> SupervisionCheck:
    """Record a remote or on-site check with its findings and the orders issued, each with a deadline."""
    _government_only(actor, "登记监管检查")
    check = SupervisionCheck(inspector=actor, department_id=getattr(actor, "department_id", None))
    apply_fields(check, data, allowed=CHECK_FIELDS)
    common.defaults_from_enterprise(check, actor)
    today = timezone.localdate()
    if check.checked_on and check.checked_on > today:
        raise ValidationError({"checked_on": f"检查日期 {check.checked_on} 晚于今天 {today}"})
    errors: dict[str, str] = {}
    for i, order in enumerate(orders):
        deadline = order.get("deadline")
        if not str(order.get("content", "")).strip():
            errors[f"orders.{i}.content"] = "须填写指令内容"
        if not isinstance(deadline, dt.date):
            errors[f"orders.{i}.deadline"] = "须填写整改期限"
        elif check.checked_on and deadline < check.checked_on:
            errors[f"orders.{i}.deadline"] = f"整改期限 {deadline} 早于检查日期 {check.checked_on}"
    if errors:
        raise ValidationError(errors)
    common.save_new(check, actor=actor, what="监管检查", topic=TOPIC_SUPERVISION)
    for order in orders:
        created = EnforcementOrder.objects.create(check_record=check, content=order["content"],
                                                  deadline=order["deadline"])
        audit.record_change("create", created, actor=actor, before=None)
    if not orders:
        check.closed_at = timezone.now()
        check.save(update_fields=["closed_at", "updated_at"])
    return check


def _order_guard(order: EnforcementOrder, actor: Any) -> None:
    _government_only(actor, "跟踪或办结执法指令")
    common.guard(order.check_record, actor, "执法指令")
    if order.status == OrderStatus.CLOSED:
        raise ValidationError({"status": "执法指令已办结，不能再修改"})


@transaction.atomic
def follow_up(order: EnforcementOrder, note: str, *, actor: Any) -> EnforcementOrder:
    """Add a follow-up (复查) to an open order: 已下达 → 跟踪复查中."""
    _order_guard(order, actor)
    if not note.strip():
        raise ValidationError({"note": "须填写复查情况"})
    before = audit.snapshot(order)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    order.follow_up = f"{order.follow_up}\n{stamp} {note}".strip()
    order.status = OrderStatus.FOLLOWING_UP
    order.save()
    audit.record_change("update", order, actor=actor, before=before)
    common.publish(TOPIC_SUPERVISION, "order_follow_up", order.check_record, order_id=order.pk)
    return order


@transaction.atomic
def close_order(order: EnforcementOrder, note: str, *, actor: Any) -> EnforcementOrder:
    """Close an order after follow-up; the check is closed with its last order."""
    _order_guard(order, actor)
    if order.status != OrderStatus.FOLLOWING_UP:
        raise ValidationError({"status": "执法指令须先跟踪复查，才能办结"})
    before = audit.snapshot(order)
    if note.strip():
        order.follow_up = f"{order.follow_up}\n{timezone.localtime():%Y-%m-%d %H:%M} 办结：{note}".strip()
    order.status, order.closed_by, order.closed_at = OrderStatus.CLOSED, actor, timezone.now()
    order.save()
    audit.record(PreventionAudit.ORDER_CLOSED, actor=actor, object_type="prevention.enforcementorder",
                 object_id=order.pk, object_repr=str(order), before=before, after=audit.snapshot(order))
    check = order.check_record
    if not check.orders.exclude(status=OrderStatus.CLOSED).exists():
        check.closed_at = timezone.now()
        check.save(update_fields=["closed_at", "updated_at"])
    common.publish(TOPIC_SUPERVISION, "order_closed", check, order_id=order.pk,
                   check_closed=check.closed_at is not None)
    return order


def _county_only(actor: Any) -> None:
    principal = Principal.of(actor)
    if not (principal.is_superuser or principal.role == Role.COUNTY_ADMIN):
        raise PermissionDenied("只有县级管理员可以管理企业订阅")


@transaction.atomic
def save_subscription(subscription: Subscription | None, data: Mapping[str, Any], *, actor: Any) -> Subscription:
    """Create or change a subscription (county administrators only); a state change is audited as such."""
    _county_only(actor)
    if subscription is None:
        subscription = Subscription()
        apply_fields(subscription, data, allowed=SUBSCRIPTION_FIELDS)
        common.defaults_from_enterprise(subscription, actor)
        common.save_new(subscription, actor=actor, what="企业订阅", topic=TOPIC_SUPERVISION)
        return subscription
    old_state = subscription.state
    common.update(subscription, data, allowed=SUBSCRIPTION_FIELDS, actor=actor, what="企业订阅",
                  topic=TOPIC_SUPERVISION)
    if subscription.state != old_state:
        _record_state(subscription, old_state, actor=actor, reason="管理员变更")
    return subscription


def _record_state(subscription: Subscription, old_state: str, *, actor: Any, reason: str) -> None:
    audit.record(PreventionAudit.SUBSCRIPTION_STATE, actor=actor, object_type="prevention.subscription",
                 object_id=subscription.pk, object_repr=str(subscription), before={"state": old_state},
                 after={"state": subscription.state, "reason": reason})
    common.publish(TOPIC_SUPERVISION, "subscription_state", subscription, state=subscription.state,
                   previous_state=old_state)


@transaction.atomic
def suspend_lapsed(on: dt.date | None = None) -> int:
    """Suspend subscriptions that are unpaid and past their start (the enterprise's writes stop), audited."""
    day = on or timezone.localdate()
    suspended = 0
    for subscription in Subscription.objects.filter(state=SubscriptionState.UNPAID, starts_on__lte=day):
        subscription.state = SubscriptionState.SUSPENDED
        subscription.save(update_fields=["state", "updated_at"])
        _record_state(subscription, SubscriptionState.UNPAID, actor=None, reason="欠费，暂停写入权限")
        suspended += 1
    return suspended
