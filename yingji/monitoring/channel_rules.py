"""A channel's own rules: add, change, remove — validated, audited, in force from the next batch.

Each change runs in one transaction that locks the channel's rule state (as ingestion does), saves the
rule, and settles the engine: every rule id whose rule changed or went away ends its episode — its
active alarm is recovered with a message saying why (it stays open for a person to close) and its state
is dropped, so the next reading starts afresh under the new rule (raising again if the condition still
holds). Rules that did not change keep their state and episodes. The channel's ``updated_at`` is
touched, which is part of every process's rule-cache key, so each ingestion process builds the new
rules on its next batch; ``monitoring.channel.rules`` is published after commit for open pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of

from . import alarms, reading_store
from .constants import MonitoringAction
from .models import Alarm, AlarmStatus, Channel, ChannelRule, DeviceStatus
from .rule_binding import build_rules, pack_rules
from .rules import Category, Change, ChannelRules, ChannelState, Level, Transition
from .rules.custom import SINGLE_KINDS, RuleFieldErrors, RuleKind, check

NAME_MAX = 100


def _clean(channel: Channel, kind: str, name: str, params: Mapping[str, Any], *,
           exclude: int | None = None) -> dict[str, Any]:
    """The checked parameters; every wrong field (name, kind, parameters) at once as a ValidationError."""
    errors: dict[str, str] = {}
    spec = pack_rules(channel).spec
    try:
        clean = check(kind, params, spec)
    except RuleFieldErrors as exc:
        errors.update(exc.errors)
        clean = {}
    if kind in {k.value for k in SINGLE_KINDS}:
        taken = ChannelRule.objects.filter(channel=channel, kind=kind)
        if (taken.exclude(pk=exclude) if exclude is not None else taken).exists():
            errors["kind"] = f"该通道已有“{RuleKind(kind).label}”规则，请修改原规则"
    elif not name.strip():
        errors["name"] = "必填（出现在报警内容中）"
    if len(name) > NAME_MAX:
        errors["name"] = f"不能超过 {NAME_MAX} 个字符"
    if errors:
        raise ValidationError(errors)
    return clean


def _writable(channel: Channel, actor: Any) -> Channel:
    ensure_may_change(channel.device, actor, "设备")
    if channel.device.status == DeviceStatus.RETIRED:
        raise ValidationError({"channel": "设备已停用，不能修改规则"})
    return Channel.objects.select_related("device").get(pk=channel.pk)


def _alike(old: object, new: object | None) -> bool:
    """Whether a rule evaluates as before: equal but perhaps for its name (a rename keeps the episode)."""
    if new is None or type(old) is not type(new):
        return False
    names = {"name": getattr(new, "name")} if hasattr(new, "name") else {}  # noqa: B009 - thresholds and rates
    return bool(replace(old, **names) == new)  # type: ignore[type-var]


def _settle(channel: Channel, before: ChannelRules, after: ChannelRules, why: str) -> list[str]:
    """End the episodes of the rules that changed or went away; returns their ids."""
    old, new = before.by_id(), after.by_id()
    ended = sorted(rule_id for rule_id, rule in old.items() if not _alike(rule, new.get(rule_id)))
    if not ended:
        return []
    stored = reading_store.load_rule_states([channel.pk])  # locked, as ingestion locks it
    if channel.pk in stored:
        state = ChannelState.from_dict(stored[channel.pk])
        for rule_id in ended:
            state.forget(before, rule_id)
        reading_store.save_rule_states({channel.pk: state.to_dict()})
    now = timezone.now()
    active = {a.rule_id: a for a in Alarm.objects.select_related("channel__device").filter(
        channel=channel, rule_id__in=ended, recovered_at__isnull=True).exclude(status=AlarmStatus.CLOSED)}
    for rule_id, alarm in list(active.items()):
        ending = Transition(source=channel.reference, rule_id=rule_id, change=Change.RECOVERED, level=None,
                            previous=Level(alarm.level), value=None,
                            category=Category.PROCESS if alarm.category == "process" else Category.DEVICE,
                            at=now, message=f"{why}，报警结束")
        alarms.apply_transition(channel, ending, active)
        # why it ended, on the alarm a person will close (the recovery itself is audited and published above)
        Alarm.objects.filter(pk=alarm.pk).update(message=f"{alarm.message[:240]}（{why}，报警结束）"[:300])
    return ended


def _touch(channel: Channel, ended: list[str]) -> None:
    """New rules in every process from its next batch (the cache key), and word to open pages."""
    Channel.objects.filter(pk=channel.pk).update(updated_at=timezone.now())
    events.publish("monitoring.channel.rules", {"channel": channel.pk, "device": channel.device_id, "ended": ended},
                   scope=facts_of(channel.device))


@transaction.atomic
def add_rule(channel: Channel, *, actor: Any, kind: str, name: str, params: Mapping[str, Any]) -> ChannelRule:
    """Attach a rule to a channel (for offline / flat line / range: replacing the pack's)."""
    channel = _writable(channel, actor)
    clean = _clean(channel, kind, name, params)
    before = build_rules(channel)
    rule = ChannelRule(channel=channel, kind=kind, name=name.strip() or RuleKind(kind).label, params=clean)
    rule.full_clean()
    rule.save(force_insert=True)
    ended = _settle(channel, before, build_rules(channel), "通道规则已调整")
    audit.record_change(MonitoringAction.CHANNEL_RULE_ADDED, rule, actor=actor, before=None)
    _touch(channel, ended)
    return rule


@transaction.atomic
def change_rule(rule: ChannelRule, *, actor: Any, name: str, params: Mapping[str, Any]) -> ChannelRule:
    """Change a rule's name or parameters (its kind is its identity: remove it and add another instead)."""
    channel = _writable(rule.channel, actor)
    rule = ChannelRule.objects.get(pk=rule.pk)
    clean = _clean(channel, rule.kind, name, params, exclude=rule.pk)
    before_rules = build_rules(channel)
    before = audit.snapshot(rule)
    rule.name, rule.params = name.strip() or RuleKind(rule.kind).label, clean
    rule.full_clean()
    rule.save()
    ended = _settle(channel, before_rules, build_rules(channel), f"规则“{rule.name}”已修改")
    audit.record_change(MonitoringAction.CHANNEL_RULE_CHANGED, rule, actor=actor, before=before)
    _touch(channel, ended)
    return rule


@transaction.atomic
def remove_rule(rule: ChannelRule, *, actor: Any) -> None:
    """Remove a rule; the pack's rule of that kind (offline, flat line, range) is in force again."""
    channel = _writable(rule.channel, actor)
    before_rules = build_rules(channel)
    snapshot = audit.snapshot(rule)
    pk, label = rule.pk, str(rule)
    rule.delete()
    ended = _settle(channel, before_rules, build_rules(channel), f"规则“{snapshot['name']}”已删除")
    audit.record(MonitoringAction.CHANNEL_RULE_REMOVED, actor=actor, object_type="monitoring.channelrule",
                 object_id=pk, object_repr=label, before=snapshot)
    _touch(channel, ended)

