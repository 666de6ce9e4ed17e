"""危险化学品 API (routers are mounted under /api/v1/hazmat): the major-hazard calculator, the catalogue, and
the stored units with the county overview of major hazards (`unit_api`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from .catalogue import current_catalogue
from .catalogue_api import router as catalogue_router
from .grading import GradingError, Holding, UnitResult, default_critical_q, evaluate_unit
from .ledger_api import router as ledger_router
from .schemas import ContributionOut
from .substances import Substance
from .unit_api import router as unit_router

router = Router(tags=["hazmat"])
router.add_router("", unit_router)
router.add_router("", catalogue_router)
router.add_router("/ledger", ledger_router)

MAX_UNITS = 1000  # per request; the county's whole inventory is graded by the ledger, not through here


class SubstanceIn(Schema):
    chemical: str
    quantity_t: float
    category: str | None = None


class UnitIn(Schema):
    name: str
    exposed_population: int
    substances: list[SubstanceIn]


class EvaluateIn(Schema):
    units: list[UnitIn]


class UnitOut(Schema):
    name: str
    s: float
    is_major_hazard: bool
    r: float | None
    grade: int | None
    grade_label: str | None
    alpha: float
    alpha_reason: str
    contributions: list[ContributionOut]


class EvaluateOut(Schema):
    units: list[UnitOut]


class SubstanceOut(Schema):
    name: str
    name_en: str
    aliases: list[str]
    cas: list[str]
    un: list[str]
    state: str
    critical_q: float | None
    source_table: int
    toxic_gas_beta: float | None
    categories: list[str]
    selectable_categories: list[str]
    category_required: bool
    note: str


@router.post("/major-hazard/evaluate", response=EvaluateOut, summary="重大危险源辨识与分级计算（GB 18218-2018）")
def evaluate_major_hazard(request: HttpRequest, payload: EvaluateIn) -> dict[str, list[UnitResult]]:
    """S = Σq/Q, whether each unit is a major hazard installation, R = α·Σβq/Q and its grade, line by line."""
    if len(payload.units) > MAX_UNITS:
        raise ValidationError({"units": [f"一次最多计算 {MAX_UNITS} 个单元，实际为 {len(payload.units)} 个"]})
    results: list[UnitResult] = []
    errors: dict[str, list[str]] = {}
    catalogue = current_catalogue()  # the standard's entries and users' own
    for i, unit in enumerate(payload.units):
        holdings = [Holding(s.chemical, s.quantity_t, s.category) for s in unit.substances]
        try:
            results.append(evaluate_unit(unit.name, unit.exposed_population, holdings, catalogue))
        except GradingError as exc:
            for problem in exc.problems:
                errors.setdefault(f"units.{i}.{problem.field}", []).append(problem.message)
    if errors:
        raise ValidationError(errors)
    return {"units": results}


def _catalogue_row(substance: Substance) -> dict[str, Any]:
    return {
        "name": substance.name,
        "name_en": substance.name_en,
        "aliases": list(substance.aliases),
        "cas": list(substance.cas),
        "un": list(substance.un),
        "state": substance.state.value,
        "critical_q": default_critical_q(substance),
        "source_table": 1 if substance.in_table1 else 2,
        "toxic_gas_beta": substance.toxic_gas_beta,
        "categories": list(substance.categories),
        "selectable_categories": list(substance.selectable),
        "category_required": substance.category_required,
        "note": substance.note,
    }


@router.get("/substances", response=list[SubstanceOut], summary="危险化学品目录检索（名称、别名、CAS、UN 号）")
def list_substances(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """The catalogue's entries (the standard's and users') whose name, alias, CAS or UN number contains q."""
    return [_catalogue_row(s) for s in current_catalogue().search(q)]
