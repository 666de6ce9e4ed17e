"""The life-cycle ledger API, mounted at /api/v1/hazmat/ledger: movements (with transfers the receiver confirms),
e-waybills, stocktakes and period balances, discrepancies for supervisors, batches and their trace, licences.

Reads are scoped (404 outside the reader's scope); writes go through `ledger_services`.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from yingji.core.exports import stream_export
from yingji.registry.models import Enterprise

from . import ledger_queries as queries
from . import ledger_services as services
from . import waybills
from .models import Movement, PeriodBalance

router = Router(tags=["hazmat-ledger"])
PAGE_MAX = 500


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, PAGE_MAX)), max(offset, 0)


# --- movements -------------------------------------------------------------------------------------
class MovementIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略")
    kind: Literal["production", "purchase", "transfer_out", "use", "disposal", "transfer_in"]
    chemical: str = Field(..., description="目录中的名称、别名、英文名或 CAS 号")
    quantity: float | str = Field(..., description="数量")
    unit: str = Field("t", description="t、吨、kg、千克、公斤（台账按质量登记）")
    occurred_at: datetime
    lot_number: str = ""
    counterpart_credit_code: str = Field("", description="调出、委托处置：接收企业统一社会信用代码")
    counterpart_name: str = Field("", description="采购：供货单位名称")
    note: str = ""


class MovementOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    chemical: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    quantity_t: Decimal
    occurred_at: datetime
    lot_number: str | None
    batch_id: int | None
    counterpart_id: int | None
    counterpart_name: str
    counterpart_credit_code: str
    pair_id: int | None
    note: str


class MovementPage(Schema):
    count: int
    items: list[MovementOut]


class ConfirmIn(Schema):
    received_at: datetime | None = None


class RejectIn(Schema):
    reason: str


def movement_row(m: Movement) -> dict[str, Any]:
    return {
        "id": m.pk, "enterprise_id": m.enterprise_id, "enterprise_name": m.enterprise.name,
        "chemical": m.chemical.name, "kind": m.kind, "kind_label": m.get_kind_display(), "status": m.status,
        "status_label": m.get_status_display(), "quantity_t": m.quantity_t, "occurred_at": m.occurred_at,
        "lot_number": m.batch.lot_number if m.batch else None, "batch_id": m.batch_id,
        "counterpart_id": m.counterpart_id, "counterpart_name": m.counterpart_name,
        "counterpart_credit_code": m.counterpart_credit_code, "pair_id": m.pair_id, "note": m.note,
    }


@router.get("/movements", response=MovementPage, summary="台账流向列表")
def list_movements(request: HttpRequest, enterprise: int | None = None, chemical: str | None = None,
                   kind: str | None = None, status: str | None = None, batch: int | None = None,
                   limit: int = 50, offset: int = 0) -> dict[str, Any]:
    rows = queries.visible_movements(request.user)
    filters = {"enterprise_id": enterprise, "chemical__name": chemical, "kind": kind, "status": status,
               "batch_id": batch}
    rows = rows.filter(**{k: v for k, v in filters.items() if v is not None})
    limit, offset = _page(limit, offset)
    return {"count": rows.count(), "items": [movement_row(m) for m in rows[offset: offset + limit]]}


@router.post("/movements", response={201: MovementOut}, summary="登记流向（生产、采购、调出、使用、委托处置）")
def create_movement(request: HttpRequest, payload: MovementIn) -> Status[Any]:
    movement = services.record_movement(services.MovementDraft(**payload.dict()), actor=request.user)
    return Status(201, movement_row(movement))


@router.get("/movements/{pk}", response=MovementOut, summary="流向详情")
def get_movement(request: HttpRequest, pk: int) -> dict[str, Any]:
    return movement_row(get_object_or_404(queries.visible_movements(request.user), pk=pk))


@router.post("/movements/{pk}/confirm", response=MovementOut, summary="确认接收调入")
def confirm_movement(request: HttpRequest, pk: int, payload: ConfirmIn) -> dict[str, Any]:
    movement = services.confirm_transfer(queries.writable(Movement, request.user, pk), payload.received_at,
                                         actor=request.user)
    return movement_row(get_object_or_404(queries.visible_movements(request.user), pk=movement.pk))


@router.post("/movements/{pk}/reject", response=MovementOut, summary="拒收调入")
def reject_movement(request: HttpRequest, pk: int, payload: RejectIn) -> dict[str, Any]:
    movement = services.reject_transfer(queries.writable(Movement, request.user, pk), payload.reason,
                                        actor=request.user)
    return movement_row(get_object_or_404(queries.visible_movements(request.user), pk=movement.pk))


# --- e-waybills ------------------------------------------------------------------------------------
class WaybillIn(Schema):
    enterprise: int | None = None
    number: str = ""
    movement: int | None = Field(None, description="对应的调出记录 id")
    carrier_name: str
    carrier_credit_code: str
    vehicle_plate: str
    driver_name: str
    driver_licence: str
    escort_name: str
    escort_licence: str
    consignee_name: str = ""
    consignee_credit_code: str = ""
    chemical: str
    quantity: float | str
    unit: str = "t"
    planned_route: list[list[float]] = Field(..., description="[[经度, 纬度], …]，至少起点和终点")
    planned_departure: datetime
    planned_arrival: datetime
    goods_class: str = Field("", description="危险货物类别（如 2.1、3、8）；化学品的 UN 号可识别时不必填写")


class WaybillOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    movement_id: int | None
    carrier_id: int | None
    carrier_name: str
    carrier_credit_code: str
    vehicle_plate: str
    driver_name: str
    driver_licence: str
    escort_name: str
    escort_licence: str
    consignee_id: int | None
    consignee_name: str
    chemical: str
    quantity_t: Decimal
    planned_route: list[list[float]]
    planned_departure: datetime
    planned_arrival: datetime


def waybill_row(w: Any) -> dict[str, Any]:
    return {**{f: getattr(w, f) for f in ("id", "number", "enterprise_id", "movement_id", "carrier_id", "carrier_name",
                                          "carrier_credit_code", "vehicle_plate", "driver_name", "driver_licence",
                                          "escort_name", "escort_licence", "consignee_id", "consignee_name",
                                          "quantity_t", "planned_route", "planned_departure", "planned_arrival")},
            "enterprise_name": w.enterprise.name, "chemical": w.chemical.name}


@router.get("/waybills", response=list[WaybillOut],
            summary="电子运单列表（托运、承运、收货企业均可见；enterprise= 为其中任一方）")
def list_waybills(request: HttpRequest, enterprise: int | None = None, limit: int = 50,
                  offset: int = 0) -> list[dict[str, Any]]:
    rows = queries.visible_waybills(request.user) if enterprise is None else \
        queries.waybills_of(request.user, enterprise)
    limit, offset = _page(limit, offset)
    return [waybill_row(w) for w in rows[offset: offset + limit]]


@router.post("/waybills", response={201: WaybillOut}, summary="开具电子运单")
def create_waybill(request: HttpRequest, payload: WaybillIn) -> Status[Any]:
    waybill = waybills.record_waybill(waybills.WaybillDraft(**payload.dict()), actor=request.user)
    return Status(201, waybill_row(waybill))


@router.get("/waybills/{pk}", response=WaybillOut, summary="电子运单详情")
def get_waybill(request: HttpRequest, pk: int) -> dict[str, Any]:
    return waybill_row(get_object_or_404(queries.visible_waybills(request.user), pk=pk))


# --- stocktakes and balances -------------------------------------------------------------------------
class StocktakeIn(Schema):
    enterprise: int | None = None
    chemical: str
    counted_at: datetime
    quantity: float | str
    unit: str = "t"
    note: str = ""


class BalanceOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    chemical: str
    opening_at: datetime
    closing_at: datetime
    opening_t: Decimal
    in_t: Decimal
    out_t: Decimal
    used_t: Decimal
    disposed_t: Decimal
    expected_t: Decimal
    closing_t: Decimal
    difference_t: Decimal
    tolerance_percent: Decimal
    tolerance_t: Decimal
    pending_in_t: Decimal
    status: str
    status_label: str
    explanation: str


class StocktakeOut(Schema):
    id: int
    enterprise_id: int
    chemical: str
    counted_at: datetime
    quantity_t: Decimal
    note: str
    balance: BalanceOut | None


class ExplainIn(Schema):
    explanation: str


class StockOut(Schema):
    chemical: str
    last_count_t: Decimal
    last_count_at: datetime | None
    in_t: Decimal
    out_t: Decimal
    used_t: Decimal
    disposed_t: Decimal
    pending_in_t: Decimal
    book_t: Decimal


def balance_row(b: PeriodBalance) -> dict[str, Any]:
    return {**{f: getattr(b, f) for f in ("id", "enterprise_id", "opening_t", "in_t", "out_t", "used_t", "disposed_t",
                                          "expected_t", "closing_t", "difference_t", "tolerance_percent",
                                          "tolerance_t", "pending_in_t", "status", "explanation")},
            "enterprise_name": b.enterprise.name, "chemical": b.chemical.name, "status_label": b.get_status_display(),
            "opening_at": b.opening.counted_at, "closing_at": b.closing.counted_at}


@router.get("/stocktakes", response=list[StocktakeOut], summary="盘点记录")
def list_stocktakes(request: HttpRequest, enterprise: int | None = None, limit: int = 50,
                    offset: int = 0) -> list[dict[str, Any]]:
    # A period's balance belongs to the enterprise of its closing count, so it is visible with the count.
    rows = queries.visible_stocktakes(request.user).select_related(
        "balance__enterprise", "balance__chemical", "balance__opening", "balance__closing")
    if enterprise is not None:
        rows = rows.filter(enterprise_id=enterprise)
    limit, offset = _page(limit, offset)
    out = []
    for s in rows[offset: offset + limit]:
        balance = getattr(s, "balance", None)
        out.append({"id": s.pk, "enterprise_id": s.enterprise_id, "chemical": s.chemical.name,
                    "counted_at": s.counted_at, "quantity_t": s.quantity_t, "note": s.note,
                    "balance": balance_row(balance) if balance else None})
    return out


@router.post("/stocktakes", response={201: StocktakeOut}, summary="登记盘点（与上次盘点之间的期间自动结账）")
def create_stocktake(request: HttpRequest, payload: StocktakeIn) -> Status[Any]:
    stocktake, balance = services.record_stocktake(payload.enterprise, payload.chemical, payload.counted_at,
                                                   payload.quantity, payload.unit, payload.note, actor=request.user)
    return Status(201, {"id": stocktake.pk, "enterprise_id": stocktake.enterprise_id,
                        "chemical": stocktake.chemical.name, "counted_at": stocktake.counted_at,
                        "quantity_t": stocktake.quantity_t, "note": stocktake.note,
                        "balance": balance_row(balance) if balance else None})


@router.get("/stock", response=list[StockOut], summary="账面库存（最近盘点 + 此后流向）")
def book_stock(request: HttpRequest, enterprise: int | None = None) -> list[dict[str, Any]]:
    owner = enterprise if enterprise is not None else getattr(request.user, "enterprise_id", None)
    if owner is None or not Enterprise.objects.for_user(request.user).filter(pk=owner).exists():
        raise Http404("企业不存在或不在您的数据权限范围内")
    return [{"chemical": s.chemical, "last_count_t": s.last_count_t, "last_count_at": s.last_count_at,
             "in_t": s.sums.inflow, "out_t": s.sums.outflow, "used_t": s.sums.used, "disposed_t": s.sums.disposed,
             "pending_in_t": s.sums.pending_in, "book_t": s.book_t} for s in queries.book_stock(owner)]


BalanceFilter = Literal["balanced", "discrepancy", "explained"]


@router.get("/balances", response=list[BalanceOut], summary="期间平衡（差异待核查的为监管关注）")
def list_balances(request: HttpRequest, enterprise: int | None = None, status: BalanceFilter | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    rows = queries.visible_balances(request.user)
    if enterprise is not None:
        rows = rows.filter(enterprise_id=enterprise)
    if status is not None:
        rows = rows.filter(status=status)
    limit, offset = _page(limit, offset)
    return [balance_row(b) for b in rows[offset: offset + limit]]


BALANCE_HEADERS = ("企业", "危险化学品", "期初盘点时间", "期末盘点时间", "期初(t)", "入(t)", "出(t)", "使用(t)",
                   "处置(t)", "账面期末(t)", "盘点期末(t)", "差异(t)", "允许差异(t)", "状态", "说明")


@router.get("/balances/export", summary="导出期间平衡（xlsx、csv）")
def export_balances(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                    status: BalanceFilter | None = None) -> HttpResponseBase:
    rows = queries.visible_balances(request.user)
    if status is not None:
        rows = rows.filter(status=status)

    def lines() -> Any:
        for b in rows.iterator(chunk_size=500):
            yield (b.enterprise.name, b.chemical.name, b.opening.counted_at, b.closing.counted_at, b.opening_t, b.in_t,
                   b.out_t, b.used_t, b.disposed_t, b.expected_t, b.closing_t, b.difference_t, b.tolerance_t,
                   b.get_status_display(), b.explanation)

    return stream_export(format, "台账平衡", BALANCE_HEADERS, lines())


@router.post("/balances/{pk}/explain", response=BalanceOut, summary="说明差异")
def explain_balance(request: HttpRequest, pk: int, payload: ExplainIn) -> dict[str, Any]:
    balance = services.explain_discrepancy(queries.writable(PeriodBalance, request.user, pk), payload.explanation,
                                           actor=request.user)
    return balance_row(queries.visible_balances(request.user).get(pk=balance.pk))


# --- batches ---------------------------------------------------------------------------------------
class BatchOut(Schema):
    id: int
    lot_number: str
    chemical: str
    origin_id: int
    origin_name: str


class EdgeOut(Schema):
    movement_id: int
    sender_id: int
    sender: str
    receiver_id: int
    receiver: str
    quantity_t: Decimal
    kind: str
    status: str
    occurred_at: datetime


class TraceOut(Schema):
    batch: BatchOut
    start_id: int
    start: str
    origin: list[MovementOut]
    edges: list[EdgeOut]
    upstream: list[EdgeOut]
    downstream: list[EdgeOut]


def _batch_row(b: Any) -> dict[str, Any]:
    return {"id": b.pk, "lot_number": b.lot_number, "chemical": b.chemical.name, "origin_id": b.origin_id,
            "origin_name": b.origin.name}


@router.get("/batches", response=list[BatchOut], summary="批次检索（批号）")
def list_batches(request: HttpRequest, q: str = "", limit: int = 50) -> list[dict[str, Any]]:
    rows = queries.visible_batches(request.user)
    if q.strip():
        rows = rows.filter(lot_number__icontains=q.strip())
    return [_batch_row(b) for b in rows[: _page(limit, 0)[0]]]


@router.get("/batches/{pk}/trace", response=TraceOut, summary="批次追溯（上游来源、下游去向）")
def trace_batch(request: HttpRequest, pk: int, enterprise: int | None = None) -> dict[str, Any]:
    batch = get_object_or_404(queries.visible_batches(request.user), pk=pk)
    found = queries.trace(request.user, batch, enterprise)
    by_id = {edge.movement_id: (edge, m) for edge, m in found.edges}

    def edge_row(edge: Any) -> dict[str, Any]:
        movement = by_id[edge.movement_id][1]
        sent = movement.pair if movement.kind == "transfer_in" and movement.pair is not None else movement
        return {"movement_id": edge.movement_id, "sender_id": edge.sender, "sender": found.enterprises[edge.sender],
                "receiver_id": edge.receiver, "receiver": found.enterprises[edge.receiver],
                "quantity_t": edge.quantity, "kind": sent.kind,
                "status": edge.status, "occurred_at": movement.occurred_at}

    return {"batch": _batch_row(batch), "start_id": found.start, "start": found.enterprises.get(found.start, ""),
            "origin": [movement_row(m) for m in found.origin_movements],
            "edges": [edge_row(e) for e, _ in found.edges],
            "upstream": [edge_row(e) for e in found.trace.upstream],
            "downstream": [edge_row(e) for e in found.trace.downstream]}


# --- licences --------------------------------------------------------------------------------------
class QualificationIn(Schema):
    enterprise: int
    kind: Literal["production", "operation", "use", "waste", "transport"]
    number: str = Field(..., min_length=1, max_length=64)
    valid_from: date
    valid_until: date
    scope_classes: list[str] = Field([], description="道路危险货物运输许可证的经营范围：类别或项别，如 2.1、3、8")


class QualificationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    kind: str
    kind_label: str
    number: str
    valid_from: date
    valid_until: date
    revoked: bool
    scope_classes: list[str]


def _qualification_row(q: Any) -> dict[str, Any]:
    return {"id": q.pk, "enterprise_id": q.enterprise_id, "enterprise_name": q.enterprise.name, "kind": q.kind,
            "kind_label": q.get_kind_display(), "number": q.number, "valid_from": q.valid_from,
            "valid_until": q.valid_until, "revoked": q.revoked, "scope_classes": q.scope_classes}


@router.get("/qualifications", response=list[QualificationOut], summary="企业资质（许可证）")
def list_qualifications(request: HttpRequest, enterprise: int | None = None) -> list[dict[str, Any]]:
    rows = queries.visible_qualifications(request.user)
    if enterprise is not None:
        rows = rows.filter(enterprise_id=enterprise)
    return [_qualification_row(q) for q in rows[:PAGE_MAX]]


@router.post("/qualifications", response={201: QualificationOut}, summary="登记企业资质（监管部门）")
def create_qualification(request: HttpRequest, payload: QualificationIn) -> Status[Any]:
    data = payload.dict()
    data["enterprise_id"] = data.pop("enterprise")
    qualification = services.record_qualification(data, actor=request.user)
    return Status(201, _qualification_row(queries.visible_qualifications(request.user).get(pk=qualification.pk)))


