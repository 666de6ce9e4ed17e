"""Demo hazard units for `yingji demo`: one or two units (tank groups, production units) per chemical-park firm,
with inventories of catalogue substances and exposed populations, so the county overview of major hazards
shows non-major units and major hazards of every grade (一级 … 四级).

Deterministic: firms are taken in credit-code order, each gets a template chosen by its line of business (the
name's suffix, see yingji.registry.demo.organisations.PARK_FIRMS) and the seeded generator varies the figures.
A storage unit's inventory is what its tanks hold (count × volume × density × fill ratio); a production
unit's is its hold-up. Each unit is graded with `services.apply_grading` (`grading.evaluate_unit`, as every
write does) before the bulk insert; one audit event covers the batch.

Idempotent by replacement like the registry: :func:`unload_demo` (the app's ``demo_unloader``, run by
`yingji demo` before any loader) deletes the demo units with their inventories and tanks, so the registry can
then replace the demo enterprises they point at (``HazardUnit.enterprise`` is PROTECT).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Final

from django.db import transaction

from yingji.core import audit
from yingji.core.demo import DemoSection
from yingji.core.models import AuditAction
from yingji.registry.models import Enterprise

from .ledger_demo import load_ledger, unload_ledger
from .models import HazardUnit, Tank, UnitInventory, UnitKind
from .services import apply_grading

SEED: Final = "yingji-demo-hazmat"
FILL_RATIO: Final = 0.85


@dataclass(frozen=True)
class _Medium:
    density_t_m3: float  # as stored: liquefied gases at storage conditions
    design_pressure_mpa: float | None
    design_temperature_c: float | None


# Typical storage conditions; atmospheric tanks have no design pressure recorded.
MEDIA: Final[dict[str, _Medium]] = {
    "液化石油气": _Medium(0.51, 1.77, 50), "丙烯": _Medium(0.52, 2.16, 50), "乙烯": _Medium(0.57, 0.3, -104),
    "氨": _Medium(0.61, 2.16, 50), "氯": _Medium(1.47, 1.6, 50), "汽油": _Medium(0.74, None, 40),
    "柴油": _Medium(0.84, None, 40), "苯": _Medium(0.88, None, 40), "甲苯": _Medium(0.87, None, 40),
    "甲醇": _Medium(0.79, None, 40),
}


@dataclass(frozen=True)
class _Recipe:
    """One unit: a tank group lists its tanks (medium, count, m³); a production unit or a warehouse its hold-up (t)."""

    name: str
    kind: UnitKind
    people: tuple[int, int]  # within 500 m of the boundary: the range the seeded generator draws from
    tanks: tuple[tuple[str, int, float], ...] = ()
    hold_up: tuple[tuple[str, float], ...] = ()


def _storage(name: str, people: tuple[int, int], *tanks: tuple[str, int, float]) -> _Recipe:
    return _Recipe(name, UnitKind.STORAGE, people, tanks=tanks)


def _production(name: str, people: tuple[int, int], *hold_up: tuple[str, float]) -> _Recipe:
    return _Recipe(name, UnitKind.PRODUCTION, people, hold_up=hold_up)


# Firm templates by line of business, taken in turn: each template is the firm's one or two units.
TEMPLATES: Final[dict[str, tuple[tuple[_Recipe, ...], ...]]] = {
    "gas": (
        (_storage("液化石油气球罐区", (110, 260), ("液化石油气", 4, 1000)),),
        (_storage("液化石油气储罐区", (30, 45), ("液化石油气", 2, 400)),),
        (_storage("液化石油气储配站", (5, 25), ("液化石油气", 2, 100)),),
    ),
    "oil": (
        (_storage("汽油罐区", (60, 95), ("汽油", 2, 5000)), _storage("柴油罐区", (60, 95), ("柴油", 4, 5000))),
        (_storage("成品油罐区", (5, 25), ("汽油", 2, 2000), ("柴油", 2, 2000)),),
        (_storage("柴油罐区", (5, 25), ("柴油", 2, 1000)),),
    ),
    "terminal": (
        (_storage("芳烃罐区", (55, 90), ("苯", 2, 2000), ("甲苯", 2, 2000)),
         _storage("醇类罐区", (30, 45), ("甲醇", 4, 3000))),
        (_storage("液氨储罐区", (55, 90), ("氨", 2, 200)),),
        (_storage("甲苯罐区", (5, 25), ("甲苯", 2, 1000)),),
    ),
    "refinery": (
        (_production("催化裂化装置", (110, 300), ("液化石油气", 40), ("汽油", 120), ("硫化氢", 1.5)),
         _storage("液化石油气球罐区", (110, 300), ("液化石油气", 4, 2000))),
        (_production("乙烯裂解装置", (110, 300), ("乙烯", 80), ("丙烯", 60)),
         _storage("汽油罐区", (30, 45), ("汽油", 4, 3000))),
        (_production("气体分馏装置", (30, 45), ("丙烯", 40), ("液化石油气", 60)),
         _storage("柴油罐区", (30, 45), ("柴油", 4, 3000))),
        (_production("常减压蒸馏装置", (55, 90), ("汽油", 60), ("柴油", 150), ("液化石油气", 15)),),
    ),
    "asphalt": (
        (_production("沥青氧化装置", (5, 25), ("柴油", 300)), _storage("燃料油罐区", (5, 25), ("柴油", 2, 1000))),
    ),
    "chemical": (
        (_production("氯化反应装置", (55, 90), ("氯", 12), ("苯", 40)),
         _storage("液氯储罐区", (55, 90), ("氯", 3, 50))),
        (_production("合成氨装置", (55, 90), ("氨", 40)), _storage("液氨储罐区", (55, 90), ("氨", 2, 100))),
        (_production("溶剂回收装置", (30, 45), ("甲苯", 200), ("甲醇", 150)),
         _storage("甲苯罐区", (5, 25), ("甲苯", 2, 1000))),
        (_production("甲醇精馏装置", (30, 45), ("甲醇", 300)),),
        (_production("加氢脱硫装置", (30, 45), ("硫化氢", 6), ("汽油", 100)),),
    ),
    "trade": (
        (_storage("甲醇储罐区", (5, 25), ("甲醇", 2, 500)),),
        (_Recipe("危险化学品仓库", UnitKind.STORAGE, (5, 25), hold_up=(("甲苯", 30), ("苯", 10))),),
    ),
}
# Name suffixes of the park firms (yingji.registry.demo.organisations.PARK_FIRMS) → template group.
LINES: Final[tuple[tuple[str, str], ...]] = (
    ("燃气储配有限公司", "gas"), ("燃气有限公司", "gas"),
    ("油品储运有限公司", "oil"), ("石油化工销售有限公司", "oil"), ("能源有限公司", "oil"),
    ("石化仓储有限公司", "terminal"), ("液体化工仓储有限公司", "terminal"),
    ("石化有限公司", "refinery"), ("沥青有限公司", "asphalt"), ("化工贸易有限公司", "trade"),
)
# Units a few tens of metres from the firm's point.
_OFFSETS: Final = ((0.0004, 0.0003), (-0.0004, -0.0003))


def _line_of(firm: Enterprise) -> str:
    return next((line for suffix, line in LINES if firm.name.endswith(suffix)), "chemical")


def _build(rng: random.Random, firm: Enterprise, n: int, recipe: _Recipe
           ) -> tuple[HazardUnit, list[UnitInventory], list[Tank]]:
    dx, dy = _OFFSETS[n]
    lon, lat = firm.longitude, firm.latitude
    unit = HazardUnit(
        enterprise=firm, name=recipe.name, kind=recipe.kind, exposed_population=rng.randint(*recipe.people),
        owner_department_id=firm.owner_department_id, admin_area_id=firm.admin_area_id, address=firm.address,
        longitude=None if lon is None else round(lon + dx, 6), latitude=None if lat is None else round(lat + dy, 6),
        is_demo=True,
    )
    tonnes: dict[str, float] = {}
    tanks: list[Tank] = []
    for medium, count, volume in recipe.tanks:
        spec = MEDIA[medium]
        for _ in range(count):
            tanks.append(Tank(unit=unit, code=f"T-{n + 1}{len(tanks) + 1:02d}", volume_m3=volume, medium=medium,
                              max_fill_ratio=FILL_RATIO, design_pressure_mpa=spec.design_pressure_mpa,
                              design_temperature_c=spec.design_temperature_c))
        tonnes[medium] = tonnes.get(medium, 0) + count * volume * spec.density_t_m3 * FILL_RATIO
    for substance, quantity in recipe.hold_up:
        tonnes[substance] = quantity * rng.uniform(0.85, 1.15)
    inventory = [UnitInventory(unit=unit, substance=substance, max_quantity_t=round(quantity, 1))
                 for substance, quantity in tonnes.items()]
    apply_grading(unit, inventory)
    return unit, inventory, tanks


def unload_demo() -> dict[str, int]:
    """Delete the demo ledger, then the demo units with their inventories and tanks."""
    unload_ledger()
    _, per_model = HazardUnit.objects.filter(is_demo=True).delete()
    return {"units": per_model.get(HazardUnit._meta.label, 0)}


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Replace the demo units (needs the registry's demo enterprises loaded); ``password`` is unused."""
    unload_demo()  # `yingji demo` has run it already; loaded on its own, the loader still replaces
    rng = random.Random(SEED)
    turns: Counter[str] = Counter()
    units: list[HazardUnit] = []
    inventory: list[UnitInventory] = []
    tanks: list[Tank] = []
    firms = list(Enterprise.objects.filter(is_demo=True, in_chemical_park=True).exclude(hazard_category="none")
                 .order_by("credit_code"))
    for firm in firms:
        line = _line_of(firm)
        templates = TEMPLATES[line]
        for n, recipe in enumerate(templates[turns[line] % len(templates)]):
            unit, rows, unit_tanks = _build(rng, firm, n, recipe)
            units.append(unit)
            inventory.extend(rows)
            tanks.extend(unit_tanks)
        turns[line] += 1
    HazardUnit.objects.bulk_create(units, batch_size=500)
    UnitInventory.objects.bulk_create(inventory, batch_size=500)
    Tank.objects.bulk_create(tanks, batch_size=500)
    ledger = load_ledger(firms)
    grades = Counter(str(u.grade) for u in units if u.is_major_hazard)
    by_grade = {str(g): grades.get(str(g), 0) for g in (1, 2, 3, 4)}
    audit.record(AuditAction.IMPORT, actor=None, object_type=HazardUnit._meta.label_lower,
                 object_repr=f"演示数据：{HazardUnit._meta.verbose_name}",
                 after={"count": len(units), "inventory": len(inventory),
                        "tanks": len(tanks), "major_by_grade": by_grade, "ledger": ledger, "demo": True})
    section = DemoSection()
    section.counts["危险化学品单元"] = len(units)
    section.counts["重大危险源"] = sum(by_grade.values())
    section.counts["台账流向"] = ledger.get("movements", 0)
    section.counts["台账差异"] = ledger.get("discrepancies", 0)
    return section
