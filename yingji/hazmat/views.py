"""Hazmat pages (thin): the catalogue search, the major-hazard overview with each unit's working, an enterprise's
ledger (record movements and counts, confirm transfers), the supervisor's discrepancies and a batch's trace.

Reads go through the scoped queries, writes through the services; a refused write shows its Chinese reasons
field by field and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import tabular
from yingji.core.scoping import Principal
from yingji.registry.models import Enterprise

from . import catalogue, ledger_queries, ledger_services, queries, waybills
from .inventory_import import COLUMNS as INVENTORY_COLUMNS
from .inventory_import import ImportReport, import_inventories
from .models import BalanceStatus, Movement, MovementKind, MovementStatus

NAV = {"nav_part": "apps"}
FORM_KINDS = [(k.value, k.label) for k in MovementKind if k != MovementKind.TRANSFER_IN]
WAYBILL_FIELDS = [(name, gettext_lazy(label)) for name, label in (
    ("chemical", "危险化学品"), ("quantity", "数量（t）"), ("carrier_name", "承运企业"),
    ("carrier_credit_code", "承运企业统一社会信用代码"), ("vehicle_plate", "车牌号"), ("driver_name", "驾驶员"),
    ("driver_licence", "驾驶员从业资格证号"), ("escort_name", "押运员"), ("escort_licence", "押运员从业资格证号"),
    ("consignee_name", "收货单位"), ("consignee_credit_code", "收货单位统一社会信用代码"),
    ("goods_class", "危险货物类别（UN 号不可识别时填写）"))]


FIELD_LABELS = {
    "kind": "类型", "chemical": "危险化学品", "quantity": "数量", "unit": "单位", "occurred_at": "发生时间",
    "counterpart_credit_code": "对方统一社会信用代码", "counterpart_name": "供货单位", "lot_number": "批号",
    "counted_at": "盘点时间", "received_at": "接收时间", "reason": "拒收原因", "status": "状态",
    "carrier_name": "承运企业", "carrier_credit_code": "承运企业统一社会信用代码", "vehicle_plate": "车牌号",
    "driver_name": "驾驶员", "driver_licence": "驾驶员从业资格证号", "escort_name": "押运员",
    "escort_licence": "押运员从业资格证号", "consignee_name": "收货单位",
    "consignee_credit_code": "收货单位统一社会信用代码",
    "planned_route": "计划路线", "planned_departure": "计划出发时间", "planned_arrival": "计划到达时间",
    "movement": "对应调出记录",
}


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def _report(request: HttpRequest, exc: ValidationError) -> None:
    """Each reason as a message naming the field in the user's words."""
    for field, problems in _errors(exc).items():
        label = _(FIELD_LABELS.get(field, field)) if field and field != "__all__" else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


def _when(value: str) -> datetime | None:
    parsed = parse_datetime(value.strip()) if value and value.strip() else None
    return timezone.make_aware(parsed) if parsed is not None and timezone.is_naive(parsed) else parsed


@login_required
def chemicals_view(request: HttpRequest) -> HttpResponse:
    """The catalogue: search by name, alias, CAS or UN number; every entry's figures with their sources."""
    q = request.GET.get("q", "")
    found = catalogue.search_chemicals(q)
    return render(request, "hazmat/chemicals.html", {**NAV, "q": q, "chemicals": found[:100], "count": len(found),
                                                     "may_edit": catalogue.may_edit_catalogue(request.user)})


@login_required
def major_hazards_view(request: HttpRequest) -> HttpResponse:
    """The county's (or the reader's) major hazard installations by grade, exportable."""
    units = queries.major_hazards(request.user)
    counts = queries.counts_by_grade(units)
    grade = request.GET.get("grade", "")
    if grade in {"1", "2", "3", "4"}:
        units = units.filter(grade=int(grade))
    return render(request, "hazmat/major_hazards.html", {**NAV, "units": units[:500], "counts": counts,
                                                         "grade": grade, "total": sum(counts.values())})


@login_required
@require_http_methods(["GET", "POST"])
def import_inventories_view(request: HttpRequest) -> HttpResponse:
    """Units and their maximum quantities from an Excel/CSV sheet: a dry run first, then all rows or none."""
    report: ImportReport | None = None
    failure = ""
    upload = request.FILES.get("file") if request.method == "POST" else None
    if request.method == "POST" and upload is None:
        failure = _("请选择要导入的 Excel 或 CSV 文件")
    elif upload is not None:
        dry_run = request.POST.get("dry_run") == "on"
        try:
            report = import_inventories(cast(BinaryIO, upload), upload.name or "upload.xlsx", actor=request.user,
                                        dry_run=dry_run)
        except tabular.TabularError as exc:
            failure = str(exc)
    return render(request, "hazmat/import.html", {**NAV, "columns": INVENTORY_COLUMNS, "report": report,
                                                  "failure": failure})


@login_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit: its inventory, tanks and the grading worked line by line."""
    unit = queries.visible_unit(request.user, pk)
    working = [(c, c["beta"] * c["q_over_Q"]) for c in unit.contributions]
    return render(request, "hazmat/unit.html", {**NAV, "unit": unit, "working": working})


def _enterprise_for(request: HttpRequest) -> Enterprise | None:
    ref = request.GET.get("enterprise") or request.POST.get("enterprise") or getattr(request.user, "enterprise_id",
                                                                                     None)
    if not ref:
        return None
    enterprise = Enterprise.objects.for_user(request.user).filter(pk=ref).first()
    if enterprise is None:
        raise Http404(_("企业不存在或不在您的数据权限范围内"))
    return enterprise


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    """An enterprise's ledger: book stock, transfers to confirm, movements, waybills, counts and balances."""
    enterprise = _enterprise_for(request)
    context: dict[str, Any] = {**NAV, "enterprise": enterprise, "kinds": FORM_KINDS, "waybill_fields": WAYBILL_FIELDS,
                               "may_write": not Principal.of(request.user).read_only, "errors": {}}
    if enterprise is None:
        context["enterprises"] = Enterprise.objects.for_user(request.user).filter(in_chemical_park=True)[:200]
        return render(request, "hazmat/ledger.html", context)
    movements = ledger_queries.visible_movements(request.user).filter(enterprise=enterprise)
    context.update({
        "stock": ledger_queries.book_stock(enterprise.pk),
        "pending": movements.filter(kind=MovementKind.TRANSFER_IN, status=MovementStatus.PENDING),
        "movements": movements[:100],
        "waybills": ledger_queries.waybills_of(request.user, enterprise.pk)[:50],
        "balances": ledger_queries.visible_balances(request.user).filter(enterprise=enterprise)[:50],
    })
    return render(request, "hazmat/ledger.html", context)


def _back(enterprise: Enterprise) -> HttpResponse:
    return redirect(f"{reverse('hazmat:ledger')}?enterprise={enterprise.pk}")


@login_required
@require_POST
def record_movement_view(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise_for(request)
    if enterprise is None:
        raise Http404(_("请选择企业"))
    post = request.POST
    draft = ledger_services.MovementDraft(
        kind=post.get("kind", ""), chemical=post.get("chemical", ""), quantity=post.get("quantity", ""),
        unit=post.get("unit", "t"), occurred_at=_when(post.get("occurred_at", "")), enterprise=enterprise.pk,
        lot_number=post.get("lot_number", ""), counterpart_credit_code=post.get("counterpart_credit_code", ""),
        counterpart_name=post.get("counterpart_name", ""), note=post.get("note", ""))
    try:
        movement = ledger_services.record_movement(draft, actor=request.user)
    except ValidationError as exc:
        _report(request, exc)
        return _back(enterprise)
    messages.success(request, _("已登记：%(what)s") % {"what": movement})
    return _back(enterprise)


@login_required
@require_POST
def record_stocktake_view(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise_for(request)
    if enterprise is None:
        raise Http404(_("请选择企业"))
    post = request.POST
    try:
        _count, balance = ledger_services.record_stocktake(
            enterprise.pk, post.get("chemical", ""), _when(post.get("counted_at", "")), post.get("quantity", ""),
            post.get("unit", "t"), post.get("note", ""), actor=request.user)
    except ValidationError as exc:
        _report(request, exc)
        return _back(enterprise)
    if balance is not None and balance.status == BalanceStatus.DISCREPANCY:
        messages.warning(request, _("盘点差异 %(d)s t 超出允许差异 %(t)s t，已提交监管部门核查")
                         % {"d": balance.difference_t.normalize(), "t": balance.tolerance_t.normalize()})
    else:
        messages.success(request, _("盘点已登记"))
    return _back(enterprise)


def _route(text: str) -> list[list[float]]:
    """"122.06,41.23; 122.15,41.18" → [[122.06, 41.23], [122.15, 41.18]]; a malformed point is kept as [] so
    the service names it."""
    points: list[list[float]] = []
    for part in text.replace("；", ";").split(";"):
        if not part.strip():
            continue
        try:
            points.append([float(v) for v in part.replace("，", ",").split(",")])
        except ValueError:
            points.append([])
    return points


@login_required
@require_POST
def record_waybill_view(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise_for(request)
    if enterprise is None:
        raise Http404(_("请选择企业"))
    post = request.POST
    draft = waybills.WaybillDraft(
        carrier_name=post.get("carrier_name", ""), carrier_credit_code=post.get("carrier_credit_code", ""),
        vehicle_plate=post.get("vehicle_plate", ""), driver_name=post.get("driver_name", ""),
        driver_licence=post.get("driver_licence", ""), escort_name=post.get("escort_name", ""),
        escort_licence=post.get("escort_licence", ""), consignee_name=post.get("consignee_name", ""),
        consignee_credit_code=post.get("consignee_credit_code", ""), chemical=post.get("chemical", ""),
        quantity=post.get("quantity", ""), planned_route=_route(post.get("planned_route", "")),
        planned_departure=_when(post.get("planned_departure", "")),
        planned_arrival=_when(post.get("planned_arrival", "")), enterprise=enterprise.pk,
        goods_class=post.get("goods_class", ""))
    try:
        waybill = waybills.record_waybill(draft, actor=request.user)
    except ValidationError as exc:
        _report(request, exc)
        return _back(enterprise)
    messages.success(request, _("已开具电子运单 %(number)s") % {"number": waybill.number})
    return _back(enterprise)


@login_required
@require_http_methods(["POST"])
def answer_transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    movement: Movement = ledger_queries.writable(Movement, request.user, pk)
    try:
        if request.POST.get("answer") == "reject":
            ledger_services.reject_transfer(movement, request.POST.get("reason", ""), actor=request.user)
            messages.success(request, _("已拒收"))
        else:
            ledger_services.confirm_transfer(movement, _when(request.POST.get("received_at", "")), actor=request.user)
            messages.success(request, _("已确认接收"))
    except ValidationError as exc:
        _report(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return _back(movement.enterprise)


@login_required
def discrepancies_view(request: HttpRequest) -> HttpResponse:
    """The supervisor's table: periods that did not balance, open ones first."""
    rows = ledger_queries.visible_balances(request.user).exclude(status=BalanceStatus.BALANCED).order_by(
        "status", "-closing__counted_at")
    return render(request, "hazmat/discrepancies.html", {**NAV, "balances": rows[:500]})


@login_required
def trace_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch traced up- and downstream from one enterprise (the reader's, or the one asked for)."""
    batch = get_object_or_404(ledger_queries.visible_batches(request.user), pk=pk)
    start = request.GET.get("enterprise")
    found = ledger_queries.trace(request.user, batch, int(start) if start and start.isdigit() else None)
    names = found.enterprises
    return render(request, "hazmat/trace.html", {
        **NAV, "batch": batch, "found": found, "start_name": names.get(found.start, ""),
        "upstream": [(names[e.sender], names[e.receiver], e) for e in found.trace.upstream],
        "downstream": [(names[e.sender], names[e.receiver], e) for e in found.trace.downstream],
        "enterprises": sorted(names.items(), key=lambda item: item[1]),
    })
