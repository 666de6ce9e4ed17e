"""Checkpoints, routes, inspection records, missed rounds and equipment maintenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditAction

from ..constants import LOOKBACK_DAYS, SHIFT_START_HOURS, TOPIC_INSPECTION, PreventionAudit
from ..models import Checkpoint, InspectionRecord, MaintenanceRecord, MissedRound, Route, RouteStop
from ..schedule import completed_periods
from . import common

CHECKPOINT_FIELDS = ("enterprise", "name", "location", "check_items", "risk_point", "active")
ROUTE_FIELDS = ("enterprise", "name", "frequency", "active")
MAINTENANCE_FIELDS = ("enterprise", "equipment", "equipment_code", "performed_on", "work", "performed_by",
                      "next_due")
MAX_CHECK_ITEMS = 50


def _check_items(items: Any) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValidationError({"check_items": "检查项目须为文字列表"})
    cleaned = [i.strip() for i in items if i.strip()]
    if not cleaned:
        raise ValidationError({"check_items": "至少填写一个检查项目"})
    if len(cleaned) > MAX_CHECK_ITEMS:
        raise ValidationError({"check_items": f"检查项目最多 {MAX_CHECK_ITEMS} 项"})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"check_items": "检查项目有重复"})
    return cleaned


def _checkpoint_rules(point: Checkpoint) -> None:
    point.check_items = _check_items(point.check_items)
    if point.risk_point is not None and point.risk_point.enterprise_id != point.enterprise_id:
        raise ValidationError({"risk_point": "关联的风险点不属于该企业"})


@transaction.atomic
def create_checkpoint(data: Mapping[str, Any], *, actor: Any) -> Checkpoint:
    """Register a checkpoint; its QR token is drawn at random and never changes."""
    point = Checkpoint()
    common.apply_fields_checked(point, data, CHECKPOINT_FIELDS, actor)
    _checkpoint_rules(point)
    return common.save_new(point, actor=actor, what="巡检点", topic=TOPIC_INSPECTION)


@transaction.atomic
def update_checkpoint(point: Checkpoint, data: Mapping[str, Any], *, actor: Any) -> Checkpoint:
    if "check_items" in data:
        data = {**data, "check_items": _check_items(data["check_items"])}
    return common.update(point, data, allowed=CHECKPOINT_FIELDS, actor=actor, what="巡检点", topic=TOPIC_INSPECTION)


@transaction.atomic
def delete_checkpoint(point: Checkpoint, *, actor: Any) -> None:
    if point.records.exists():
        raise ValidationError({"checkpoint": "该巡检点已有巡检记录，不能删除，可改为停用"})
    common.delete(point, actor=actor, what="巡检点", topic=TOPIC_INSPECTION)


def _set_stops(route: Route, checkpoint_ids: Sequence[int]) -> None:
    if not checkpoint_ids:
        raise ValidationError({"checkpoints": "巡检路线至少包含一个巡检点"})
    if len(set(checkpoint_ids)) != len(checkpoint_ids):
        raise ValidationError({"checkpoints": "巡检点在路线中重复"})
    found = {c.pk: c for c in Checkpoint.objects.filter(pk__in=checkpoint_ids, enterprise_id=route.enterprise_id)}
    missing = [str(i) for i in checkpoint_ids if i not in found]
    if missing:
        raise ValidationError({"checkpoints": f"巡检点 {', '.join(missing)} 不存在或不属于该企业"})
    route.stops.all().delete()
    RouteStop.objects.bulk_create([RouteStop(route=route, checkpoint_id=pk, order=i + 1)
                                   for i, pk in enumerate(checkpoint_ids)])


@transaction.atomic
def create_route(data: Mapping[str, Any], checkpoint_ids: Sequence[int], *, actor: Any) -> Route:
    """A route with its checkpoints in walking order; periods count from now (earlier ones are not missed)."""
    route = Route(active_since=timezone.now())
    common.apply_fields_checked(route, data, ROUTE_FIELDS, actor)
    common.save_new(route, actor=actor, what="巡检路线", topic=TOPIC_INSPECTION)
    _set_stops(route, checkpoint_ids)
    return route


@transaction.atomic
def update_route(route: Route, data: Mapping[str, Any], checkpoint_ids: Sequence[int] | None, *,
                 actor: Any) -> Route:
    common.update(route, data, allowed=ROUTE_FIELDS, actor=actor, what="巡检路线", topic=TOPIC_INSPECTION)
    if checkpoint_ids is not None:
        _set_stops(route, checkpoint_ids)
    return route


@transaction.atomic
def delete_route(route: Route, *, actor: Any) -> None:
    common.delete(route, actor=actor, what="巡检路线", topic=TOPIC_INSPECTION)


def _results(point: Checkpoint, results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One result per check item of the checkpoint, in its order; an abnormal item needs a note."""
    by_item: dict[str, Mapping[str, Any]] = {}
    errors: dict[str, str] = {}
    for i, row in enumerate(results):
        item = str(row.get("item", "")).strip()
        if item not in point.check_items:
            errors[f"results.{i}.item"] = f"“{item}”不是巡检点“{point.name}”的检查项目"
        elif item in by_item:
            errors[f"results.{i}.item"] = f"“{item}”重复"
        elif not isinstance(row.get("ok"), bool):
            errors[f"results.{i}.ok"] = "须填写是否正常（true 或 false）"
        elif row["ok"] is False and not str(row.get("note", "")).strip():
            errors[f"results.{i}.note"] = f"“{item}”异常，须说明情况"
        else:
            by_item[item] = row
    missing = [item for item in point.check_items if item not in by_item]
    if missing and not errors:
        errors["results"] = f"未填写检查项目：{'、'.join(missing)}"
    if errors:
        raise ValidationError(errors)
    return [{"item": item, "ok": by_item[item]["ok"], "note": str(by_item[item].get("note", "")).strip()}
            for item in point.check_items]


@transaction.atomic
def record_inspection(point: Checkpoint, results: Sequence[Mapping[str, Any]], *, actor: Any,
                      route: Route | None = None, checked_at: dt.datetime | None = None, scanned: bool = False,
                      note: str = "") -> InspectionRecord:
    """Record one visit to a checkpoint with every check item's result; not in the future, not on a stopped point."""
    now = timezone.now()
    checked_at = checked_at or now
    if timezone.is_naive(checked_at):
        raise ValidationError({"checked_at": "巡检时间须带时区"})
    if checked_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"checked_at": f"巡检时间 {timezone.localtime(checked_at):%Y-%m-%d %H:%M} 晚于当前时间"})
    if not point.active:
        raise ValidationError({"checkpoint": f"巡检点“{point.name}”已停用"})
    if route is not None and not route.stops.filter(checkpoint=point).exists():
        raise ValidationError({"route": f"巡检点“{point.name}”不在路线“{route.name}”中"})
    rows = _results(point, results)
    record = InspectionRecord(enterprise=point.enterprise, checkpoint=point, route=route, inspector=actor,
                              checked_at=checked_at, scanned=scanned, results=rows,
                              abnormal=any(not r["ok"] for r in rows), note=note)
    common.defaults_from_enterprise(record, actor)
    record.full_clean()
    common.guard(record, actor, "巡检记录")
    record.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, record, actor=actor, before=None)
    common.publish(TOPIC_INSPECTION, "recorded", record, checkpoint_id=point.pk, abnormal=record.abnormal)
    return record


@transaction.atomic
def flag_missed_rounds(now: dt.datetime | None = None) -> int:
    """Flag each completed period (of the last LOOKBACK_DAYS) in which a route's round was incomplete, once.

    One audit event and one event per route and run list the periods flagged (a plant that stopped
    inspecting for a week gets one escalation, not twenty-one).
    """
    now = timezone.localtime(now or timezone.now())
    horizon = now - dt.timedelta(days=LOOKBACK_DAYS)
    flagged = 0
    routes = Route.objects.filter(active=True).select_related("enterprise").prefetch_related("stops__checkpoint")
    for route in routes.iterator(chunk_size=200):  # bounded IN lists for the prefetch, whatever the county size
        stops = [s.checkpoint for s in route.stops.all() if s.checkpoint.active]
        if not stops:
            continue
        since = max(timezone.localtime(route.active_since), horizon)
        known = set(route.missed.filter(period_start__gte=since - dt.timedelta(days=7))
                    .values_list("period_start", flat=True))
        periods = [p for p in completed_periods(route.frequency, since, now, SHIFT_START_HOURS) if p[0] not in known]
        if not periods:
            continue
        visits = sorted(InspectionRecord.objects.filter(checkpoint__in=stops, checked_at__gte=periods[0][0],
                                                        checked_at__lt=periods[-1][1])
                        .values_list("checked_at", "checkpoint"))
        missed = []
        for start, end in periods:
            visited = {pk for at, pk in visits if start <= at < end}
            missing = [c.name for c in stops if c.pk not in visited]
            if missing:
                missed.append(MissedRound(route=route, period_start=start, period_end=end, missing=missing))
        if not missed:
            continue
        MissedRound.objects.bulk_create(missed)
        listed = [{"period_start": m.period_start.isoformat(), "missing": m.missing} for m in missed]
        audit.record(PreventionAudit.ROUND_MISSED, actor=None, object_type="prevention.route", object_id=route.pk,
                     object_repr=str(route), after={"periods": listed})
        common.publish(TOPIC_INSPECTION, "missed", route, periods=listed)
        flagged += len(missed)
    return flagged


@transaction.atomic
def create_maintenance(data: Mapping[str, Any], *, actor: Any) -> MaintenanceRecord:
    """Record maintenance of one piece of equipment; the next due date may not precede the work."""
    record = MaintenanceRecord()
    common.apply_fields_checked(record, data, MAINTENANCE_FIELDS, actor)
    _maintenance_rules(record)
    return common.save_new(record, actor=actor, what="设备维护记录", topic=TOPIC_INSPECTION)


def _maintenance_rules(record: MaintenanceRecord) -> None:
    today = timezone.localdate()
    if record.performed_on and record.performed_on > today:
        raise ValidationError({"performed_on": f"维护日期 {record.performed_on} 晚于今天 {today}"})
    if record.next_due and record.performed_on and record.next_due <= record.performed_on:
        raise ValidationError({"next_due": f"下次维护日期 {record.next_due} 须晚于维护日期 {record.performed_on}"})


@transaction.atomic
def update_maintenance(record: MaintenanceRecord, data: Mapping[str, Any], *, actor: Any) -> MaintenanceRecord:
    common.guard(record, actor, "设备维护记录")
    merged = MaintenanceRecord(performed_on=data.get("performed_on", record.performed_on),
                               next_due=data.get("next_due", record.next_due))
    _maintenance_rules(merged)
    return common.update(record, data, allowed=MAINTENANCE_FIELDS, actor=actor, what="设备维护记录",
                         topic=TOPIC_INSPECTION)


@transaction.atomic
def delete_maintenance(record: MaintenanceRecord, *, actor: Any) -> None:
    common.delete(record, actor=actor, what="设备维护记录", topic=TOPIC_INSPECTION)
