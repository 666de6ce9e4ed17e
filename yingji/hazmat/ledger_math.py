"""The life-cycle ledger's rules as pure Python: quantities and units, the period balance, batch tracing,
e-waybill checks. No Django: the services pass figures in and store what comes out.

Balance of one enterprise and chemical over a period between two stocktakes:

    expected closing = opening + in − out − used − disposed
    difference       = counted closing − expected closing
    tolerance        = tolerance % × (opening + in)      (what passed through the store in the period)

The period balances when |difference| ≤ tolerance. The tolerance is a percentage of the quantity handled
because the error of tank gauging and weighing grows with what is measured (default 0.5 %: see
`constants.LEDGER_TOLERANCE_PERCENT`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from yingji.core.geo import looks_swapped, out_of_china

__all__ = ["MASS_UNITS", "Balance", "Edge", "LedgerInputError", "Trace", "close_balance", "parse_quantity",
           "plate_problem", "route_problem", "trace_batch"]

# Ledger quantities are masses; the factor turns each accepted unit into tonnes.
MASS_UNITS: Final[dict[str, Decimal]] = {"t": Decimal(1), "吨": Decimal(1), "kg": Decimal("0.001"),
                                          "千克": Decimal("0.001"), "公斤": Decimal("0.001")}
_VOLUME_UNITS: Final = {"l", "升", "m3", "m³", "立方米", "ml", "毫升", "nm3", "标方"}
MAX_TONNES: Final = Decimal("1000000")  # one movement: above any real tank farm, catches unit slips (kg as t)
_PLACES: Final = Decimal("0.000001")  # the ledger keeps grams


class LedgerInputError(ValueError):
    """One bad figure: the field it is in and a Chinese reason."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def parse_quantity(value: Any, unit: str | None, field: str = "quantity", *, allow_zero: bool = False) -> Decimal:
    """The quantity in tonnes (to the gram) from a number and a mass unit (t, 吨, kg, 千克, 公斤).

    :raises LedgerInputError: not a finite number, negative (or zero where not allowed), larger than one
        movement can be, or a unit that is not a mass (litres, m³ …), each under ``field`` or ``unit``.
    """
    unit_key = (unit or "t").strip().lower()
    if unit_key not in MASS_UNITS:
        if unit_key in _VOLUME_UNITS:
            raise LedgerInputError("unit", f"单位“{unit}”是体积：台账按质量登记，请换算为吨（t）或千克（kg）")
        raise LedgerInputError("unit", f"单位“{unit}”无效：请使用吨（t）或千克（kg）")
    if isinstance(value, bool):
        raise LedgerInputError(field, f"数量必须是数字，实际为 {value}")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(repr(float(value)))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise LedgerInputError(field, f"数量“{value}”不是数字") from exc
    if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        raise LedgerInputError(field, f"数量必须是有限的数，实际为 {value}")
    if number < 0:
        raise LedgerInputError(field, f"数量不能为负数：{value} {unit or 't'}")
    if number == 0 and not allow_zero:
        raise LedgerInputError(field, "数量必须大于 0")
    tonnes = (number * MASS_UNITS[unit_key]).quantize(_PLACES)
    if tonnes > MAX_TONNES:
        raise LedgerInputError(field, f"数量 {tonnes:f} t 超过单笔上限 {MAX_TONNES} t：请检查单位（千克还是吨）")
    return tonnes


@dataclass(frozen=True, slots=True)
class Balance:
    """One period's figures in tonnes, what the ledger expects, the difference and whether it is tolerable."""

    opening: Decimal
    inflow: Decimal
    outflow: Decimal
    used: Decimal
    disposed: Decimal
    expected: Decimal
    closing: Decimal
    difference: Decimal  # counted − expected: negative means stock is missing
    tolerance_percent: Decimal
    tolerance: Decimal
    within_tolerance: bool


def close_balance(opening: Decimal, inflow: Decimal, outflow: Decimal, used: Decimal, disposed: Decimal,
                  closing: Decimal, tolerance_percent: Decimal) -> Balance:
    """Close one period: expected = opening + in − out − used − disposed; tolerance % of (opening + in)."""
    expected = opening + inflow - outflow - used - disposed
    difference = closing - expected
    tolerance = (tolerance_percent * (opening + inflow) / 100).quantize(_PLACES)
    return Balance(opening, inflow, outflow, used, disposed, expected, closing, difference, tolerance_percent,
                   tolerance, abs(difference) <= tolerance)


# --- batch tracing ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Edge:
    """The batch went from one enterprise to another (a transfer or a disposal), in tonnes."""

    sender: int
    receiver: int
    quantity: Decimal
    movement_id: int
    status: str


@dataclass(frozen=True, slots=True)
class Trace:
    """From one enterprise: where the batch came from (upstream, nearest first) and where it went."""

    upstream: tuple[Edge, ...]
    downstream: tuple[Edge, ...]


def _walk(start: int, links: Mapping[int, Sequence[Edge]], forward: bool) -> tuple[Edge, ...]:
    seen = {start}
    found: list[Edge] = []
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in links.get(node, ()):
            found.append(edge)
            nxt = edge.receiver if forward else edge.sender
            if nxt not in seen:  # a batch sent back and forth is walked once
                seen.add(nxt)
                queue.append(nxt)
    return tuple(found)


def trace_batch(edges: Iterable[Edge], start: int) -> Trace:
    """Breadth-first, both ways from ``start``: every edge upstream of it and every edge downstream."""
    outgoing: dict[int, list[Edge]] = defaultdict(list)
    incoming: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        outgoing[edge.sender].append(edge)
        incoming[edge.receiver].append(edge)
    return Trace(upstream=_walk(start, incoming, forward=False), downstream=_walk(start, outgoing, forward=True))


# --- e-waybill checks ------------------------------------------------------------------------------
# GA 36-2018 plates: a province character, the issuing authority's letter, then 5 characters (6 for new
# energy vehicles); hazardous-goods trucks also carry a trailer plate ending in 挂.
_PROVINCES: Final = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE: Final = re.compile(rf"^[{_PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂]$")


def plate_problem(plate: str) -> str | None:
    """Why a vehicle plate is not a Chinese plate (辽L12345, 辽LD12345, 辽L1234挂), or None."""
    if _PLATE.fullmatch(plate.strip().upper()):
        return None
    return f"车牌号“{plate}”格式不正确（例：辽L12345、新能源 辽LD12345、挂车 辽L1234挂）"


def route_problem(points: Sequence[Sequence[float]]) -> str | None:
    """Why a planned route (WGS84 [lon, lat] points, at least two) cannot be used, or None."""
    if len(points) < 2:
        return "计划路线至少需要起点和终点两个坐标点"
    for i, point in enumerate(points):
        if len(point) != 2 or not all(isinstance(v, int | float) and math.isfinite(v) for v in point):
            return f"计划路线第 {i + 1} 个点应为 [经度, 纬度] 两个数"
        lon, lat = point
        if looks_swapped(lon, lat):
            return f"计划路线第 {i + 1} 个点经纬度疑似填反：({lon}, {lat})"
        if out_of_china(lon, lat):
            return f"计划路线第 {i + 1} 个点 ({lon}, {lat}) 不在中国境内"
    return None
