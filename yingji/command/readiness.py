"""Readiness of a plan's required resources when it is activated for an incident.

Each requirement (`ResponsePlan.required_resources`) is checked against what the activating user's scope can
call on now: standby teams, vehicles and equipment not already sent to an incident, available experts, medical
facilities, free shelter places, and warehouse stock less what planned supply orders reserve. The result —
met, or short by how much, with the nearest available candidates by road time from the incident — is stored
on the activation and summarised on the timeline.

A shortfall is followed up the way a command centre works it: when the plan names another department as
responsible for the resource, that department gets a **resource request** (it answers accept / decline and
reports the resources in place — the request is in its own queue, with the quantity and the time needed);
when the responsible department is the commanding one itself (or none is named), it gets a **task** to make
up the shortfall, since one does not send a request to oneself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from yingji.core.models import Department
from yingji.registry.choices import ReadinessStatus, ShelterStatus
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import incidents, resource_requests
from .models import Dispatch, DispatchStatus, Incident, PlanActivation, Task, TimelineKind
from .nearest import rank_by_road
from .network import road_network
from .routing import RoutingError
from .supply import available_stock

# Kinds a plan may require and the unit of what is counted: records, except equipment (its quantity), shelters
# (free places) and stock (the quantity in the stock item's own unit).
MEASURES: dict[str, str] = {
    "rescue-teams": "支", "experts": "名", "vehicles": "辆", "equipment": "台（套）", "medical-facilities": "家",
    "shelters": "个安置位", "stock": "",
}
# Registry filter names a requirement may use besides a kind's own filter fields.
COMMON_FILTERS = ("q", "area")
CANDIDATES = 5
DEFAULT_WITHIN_MINUTES = 60


def check_requirements(requirements: Sequence[Any]) -> dict[str, str]:
    """Problems of a plan's ``required_resources``, by field (``required_resources.N.kind`` …)."""
    problems: dict[str, str] = {}
    for index, req in enumerate(requirements):
        where = f"required_resources.{index}"
        if not isinstance(req, Mapping):
            problems[where] = "每项所需资源须为对象，如 {\"kind\": \"rescue-teams\", \"count\": 2}"
            continue
        kind = req.get("kind")
        if kind not in MEASURES:
            problems[f"{where}.kind"] = f"未知的资源类别“{kind}”，可用：{'、'.join(MEASURES)}"
            continue
        count = req.get("count")
        if not isinstance(count, int | float) or isinstance(count, bool) or not math.isfinite(count) or count <= 0:
            problems[f"{where}.count"] = "数量须为正数"
        if kind == "stock" and not str(req.get("item") or "").strip():
            problems[f"{where}.item"] = "物资须写明名称（与仓库库存名称一致）"
        filters = req.get("filters") or {}
        spec = spec_for(kind) if kind != "stock" else None
        allowed = set(spec.filter_fields if spec else ()) | set(COMMON_FILTERS)
        unknown = sorted(set(filters) - allowed) if isinstance(filters, Mapping) else ["?"]
        if unknown:
            problems[f"{where}.filters"] = f"不支持的筛选条件 {'、'.join(unknown)}，可用：{'、'.join(sorted(allowed))}"
        within = req.get("within_minutes", DEFAULT_WITHIN_MINUTES)
        if not isinstance(within, int) or isinstance(within, bool) or not 0 < within <= 10080:
            problems[f"{where}.within_minutes"] = "到位时限须为 1–10080 之间的整数分钟"
        department = req.get("department")
        if department is not None and not Department.objects.filter(pk=department).exists():
            problems[f"{where}.department"] = f"部门 {department} 不存在"
    return problems


def label_of(req: Mapping[str, Any]) -> str:
    """What the requirement is called on screen: its label, else the item or the kind with its filters."""
    if req.get("label"):
        return str(req["label"])
    if req["kind"] == "stock":
        return str(req["item"])
    spec = spec_for(req["kind"])
    name = spec.model._meta.verbose_name if spec is not None else req["kind"]
    filters = "，".join(f"{k}={v}" for k, v in (req.get("filters") or {}).items())
    return f"{name}（{filters}）" if filters else str(name)


def _params(filters: Mapping[str, Any]) -> dict[str, str]:
    return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in filters.items()}


def _busy_ids(kind: str) -> QuerySet[Any, Any]:
    active = ~Q(status__in=[DispatchStatus.RETURNED, DispatchStatus.RECALLED])
    return Dispatch.objects.filter(active, resource_kind=kind).values("resource_id")


def _available(req: Mapping[str, Any], actor: Any) -> list[tuple[int, str, float | None, float | None, Decimal]]:
    """(id, name, lon, lat, amount) of what can be called on now for this requirement."""
    kind = req["kind"]
    if kind == "stock":
        return [(s.warehouse_id, f"{s.warehouse.name}（{s.name} {float(amount):g}{s.unit}）", s.warehouse.longitude,
                 s.warehouse.latitude, amount)
                for s, amount in available_stock(actor, str(req["item"]).strip(), str(req.get("unit") or ""))]
    spec = spec_for(kind)
    assert spec is not None
    found = visible(spec, actor, _params(req.get("filters") or {}))
    if kind in ("rescue-teams", "vehicles", "equipment"):
        found = found.filter(status=ReadinessStatus.STANDBY).exclude(pk__in=_busy_ids(kind))
    elif kind == "experts":
        found = found.filter(available=True).exclude(pk__in=_busy_ids(kind))
    elif kind == "shelters":
        found = found.filter(status__in=[ShelterStatus.READY, ShelterStatus.OPEN])
    name_field = spec.list_fields[0]
    rows = []
    for record in found:
        amount = {"equipment": record.quantity if kind == "equipment" else 1,
                  "shelters": record.capacity - record.occupancy if kind == "shelters" else 1}.get(kind, 1)
        if amount > 0:
            rows.append((record.pk, str(getattr(record, name_field)), record.longitude, record.latitude,
                         Decimal(amount)))
    return rows


def _nearest(incident: Incident, rows: Sequence[tuple[int, str, float | None, float | None, Decimal]]
             ) -> tuple[list[dict[str, Any]], str]:
    """The nearest available candidates by road from the incident, or none with the reason."""
    if incident.longitude is None or incident.latitude is None:
        return [], "事件无坐标，未按路程排序"
    placed = [(pk, name, lon, lat) for pk, name, lon, lat, _ in rows if lon is not None and lat is not None]
    amounts = {pk: amount for pk, _, _, _, amount in rows}
    network = road_network()
    try:
        origin = network.snap(incident.longitude, incident.latitude, field_name="incident")
        ranked, unreachable = rank_by_road(network, origin, placed, CANDIDATES)
    except RoutingError as exc:
        return [], f"未按路程排序：{exc.message}"
    note = f"{unreachable} 个不在路网覆盖范围内" if unreachable else ""
    return [{"id": r.id, "name": r.name, "time_min": round(r.time_s / 60, 1), "length_km": round(r.length_m / 1000, 2),
             "amount": float(amounts[r.id])} for r in ranked], note


def assess(incident: Incident, requirements: Sequence[Mapping[str, Any]], *, actor: Any) -> list[dict[str, Any]]:
    """Each requirement met or short by how much, with the nearest available candidates (reads only)."""
    results = []
    for req in requirements:
        rows = _available(req, actor)
        available = float(sum((amount for *_, amount in rows), Decimal(0)))
        required = float(req["count"])
        candidates, note = _nearest(incident, rows)
        unit = req.get("unit") or MEASURES[req["kind"]]
        results.append({"kind": req["kind"], "label": label_of(req), "unit": unit, "required": required,
                        "available": available, "met": available >= required,
                        "short": max(0.0, required - available), "candidates": candidates, "note": note,
                        "department": req.get("department"), "follow_up": None})
    return results


def follow_up(activation: PlanActivation, results: list[dict[str, Any]], requirements: Sequence[Mapping[str, Any]],
              *, actor: Any) -> None:
    """Turn each shortfall into a request to the responsible department, or a task for one's own (see above)."""
    incident = activation.incident
    own = getattr(actor, "department_id", None) or incident.owner_department_id
    for result, req in zip(results, requirements, strict=True):
        if result["met"]:
            continue
        needed_by = activation.activated_at + timedelta(minutes=req.get("within_minutes", DEFAULT_WITHIN_MINUTES))
        short = f"{result['label']}缺 {result['short']:g}{result['unit']}（需 {result['required']:g}，可用 " \
                f"{result['available']:g}）"
        responsible = req.get("department")
        if responsible is not None and responsible != own:
            request = resource_requests.make_request(incident, {
                "to_department": responsible, "what": f"补足预案所需资源：{short}"[:200],
                "quantity": max(1, math.ceil(result["short"])), "needed_by": needed_by}, actor=actor)
            result["follow_up"] = {"type": "request", "id": request.pk, "department": request.to_department.name}
        elif own is not None:
            task = Task.objects.create(incident=incident, activation=activation, detail=short, department_id=own,
                                       title=f"补足资源缺口：{result['label']}", due_at=needed_by)
            result["follow_up"] = {"type": "task", "id": task.pk, "department": task.department.name}


def summary(results: Sequence[Mapping[str, Any]]) -> str:
    """One timeline line: how many requirements are met, and each shortfall with its follow-up."""
    short = [r for r in results if not r["met"]]
    text = f"资源核查：{len(results) - len(short)} 项满足"
    if short:
        parts = []
        for r in short:
            follow = r["follow_up"] or {}
            how = {"request": f"已向{follow.get('department')}请求", "task": f"已交{follow.get('department')}补足"}
            parts.append(f"{r['label']}缺 {r['short']:g}{r['unit']}" + (f"（{how[follow['type']]}）" if follow else ""))
        text += f"，{len(short)} 项不足：" + "；".join(parts)
    return text


def check_on_activation(activation: PlanActivation, *, actor: Any) -> list[dict[str, Any]]:
    """Assess the plan's requirements, follow up the shortfalls, store the result and note it on the timeline."""
    requirements = activation.plan.required_resources or []
    if not requirements:
        return []
    results = assess(activation.incident, requirements, actor=actor)
    follow_up(activation, results, requirements, actor=actor)
    activation.readiness = results
    activation.readiness_checked_at = timezone.now()
    activation.save(update_fields=["readiness", "readiness_checked_at", "updated_at"])
    incidents.record_on_timeline(activation.incident, TimelineKind.DECISION, summary(results), actor=actor,
                                 data={"activation": activation.pk, "readiness": True})
    return results
