"""Major hazard identification and grading of one unit (GB 18218-2018), pure Python.

A unit (a production unit, or a storage unit: one tank group inside its own fire dike, a warehouse) is
a major hazard installation when S = Σ qᵢ/Qᵢ ≥ 1 (q the maximum quantity present, Q the critical quantity,
both in tonnes). A major hazard installation is graded by R = α · Σ βᵢ qᵢ/Qᵢ: 一级 R ≥ 100, 二级 50–100,
三级 10–50, 四级 below 10. The tables are in :mod:`yingji.hazmat.substances`.

Arithmetic is exact (fractions of the decimal figures as written), so a unit at S = 1 or R = 10 exactly is
decided as the standard says, not by a float rounding; results are reported as floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import NamedTuple

from .substances import (
    ALPHA_BANDS,
    CATEGORIES,
    GRADE_BANDS,
    OTHER_BETA,
    STANDARD,
    Catalogue,
    Substance,
    UnknownCategory,
    normalize_category,
)

__all__ = ["Contribution", "GradingError", "Holding", "Problem", "UnitResult", "alpha_for", "default_critical_q",
           "evaluate_unit", "grade_for"]


class Holding(NamedTuple):
    """One substance in a unit: a name, alias or CAS number (or the entry), the tonnes, a table-2 category."""

    chemical: str | Substance
    quantity_t: float
    category: str | None = None


class Problem(NamedTuple):
    """One reason the input cannot be graded: the field path inside the unit and a Chinese message."""

    field: str
    message: str


class GradingError(ValueError):
    """The unit cannot be graded; ``problems`` lists every reason found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(p.message for p in self.problems))


@dataclass(frozen=True, slots=True)
class Contribution:
    """One line of the working: what this substance adds to S and to Σβq/Q, and why."""

    chemical: str
    cas: str | None
    quantity_t: float
    critical_q: float
    q_over_Q: float  # noqa: N815 - the standard's symbol
    beta: float
    beta_reason: str
    category: str | None
    source_table: int  # 1 or 2: where Q comes from
    q_reason: str
    note: str  # the catalogue's remark on this entry, e.g. a figure still to verify


@dataclass(frozen=True, slots=True)
class UnitResult:
    """S, whether the unit is a major hazard installation, and (if so) R and its grade, with the working."""

    name: str
    s: float
    is_major_hazard: bool
    r: float | None  # only for a major hazard installation
    grade: int | None  # 1 (一级) … 4 (四级); None when not a major hazard installation
    grade_label: str | None
    alpha: float
    alpha_reason: str
    contributions: tuple[Contribution, ...]


def _exact(value: float) -> Fraction:
    """The decimal figure as written (0.3 is 3/10, not the nearest binary float 0.29999…)."""
    return Fraction(*Decimal(repr(float(value))).as_integer_ratio())


_constant = cache(_exact)  # Q, β and α: a few dozen values, converted once


def default_critical_q(substance: Substance) -> float | None:
    """Q without a category from the user: table 1, else the smallest table-2 Q; None when one is needed."""
    if substance.table1_q is not None:
        return substance.table1_q
    if substance.categories:
        return min(CATEGORIES[c].critical_q for c in substance.categories)
    return None


def alpha_for(exposed_population: int) -> tuple[float, str]:
    """α of table 5 for the people within 500 m of the unit's boundary, and the band it falls in."""
    for lower, alpha, band in ALPHA_BANDS:
        if exposed_population >= lower:
            return alpha, band
    raise ValueError(f"暴露人数不能为负数：{exposed_population}")


def grade_for(r: Fraction | float) -> tuple[int, str]:
    """Grade number (1–4) and label of table 6 for R."""
    for lower, grade, label in GRADE_BANDS:
        if r >= lower:
            return grade, label
    raise ValueError(f"R 值无效：{r}")  # unreachable: the last band starts at -inf


class _Line(NamedTuple):
    contribution: Contribution
    ratio: Fraction
    beta: Fraction


def _categories(substance: Substance, given: str | None, where: str) -> tuple[tuple[str, ...], Problem | None]:
    """The categories that apply: the user's choice where the catalogue allows one, else the catalogue's."""
    if given is None or not given.strip():
        if substance.category_required:
            options = "、".join(substance.selectable)
            why = substance.note or "类别决定临界量"
            return (), Problem(f"{where}.category", f"“{substance.name}”需要填写危险性类别（{options}）：{why}")
        return substance.categories, None
    try:
        code = normalize_category(given)
    except UnknownCategory as exc:
        return (), Problem(f"{where}.category", f"“{substance.name}”：{exc}")
    if code not in substance.selectable:
        if substance.selectable:
            fixed = f"只能选择{'、'.join(substance.selectable)}"
        elif substance.toxic_gas_beta is not None:
            fixed = "其校正系数β由表3确定，不需填写类别"
        else:
            fixed = f"其类别已确定为{'、'.join(substance.categories) or '表4其他'}，不需填写"
        return (), Problem(f"{where}.category", f"“{substance.name}”不适用危险性类别“{code}”：{fixed}")
    return (code,), None


def _line(substance: Substance, quantity: float, categories: tuple[str, ...]) -> _Line:
    """Q (table 1 first, else the smallest table-2 Q) and β (table 3 first, else the largest table-4 β)."""
    if substance.table1_q is not None:
        q_cat = None
        critical = _constant(substance.table1_q)
        q_reason = f"表1：{substance.name} Q = {substance.table1_q:g} t"
    else:
        q_cat = min(categories, key=lambda c: CATEGORIES[c].critical_q)
        critical = _constant(CATEGORIES[q_cat].critical_q)
        several = "（多种危险性取最小临界量）" if len(categories) > 1 else ""
        q_reason = f"表2：{q_cat} {CATEGORIES[q_cat].description} Q = {CATEGORIES[q_cat].critical_q:g} t{several}"
    if substance.toxic_gas_beta is not None:
        beta_cat = None
        beta = _constant(substance.toxic_gas_beta)
        beta_reason = f"表3：{substance.name}（毒性气体）β = {substance.toxic_gas_beta:g}"
    elif categories:
        beta_cat = max(categories, key=lambda c: CATEGORIES[c].beta)
        beta = _constant(CATEGORIES[beta_cat].beta)
        beta_reason = f"表4：{beta_cat} {CATEGORIES[beta_cat].description} β = {CATEGORIES[beta_cat].beta:g}"
    else:
        beta_cat = None
        beta = _constant(OTHER_BETA)
        beta_reason = f"表4：其他危险性 β = {OTHER_BETA:g}"
    ratio = _exact(quantity) / critical
    return _Line(
        Contribution(
            chemical=substance.name,
            cas=substance.cas[0] if substance.cas else None,
            quantity_t=quantity,
            critical_q=float(critical),
            q_over_Q=float(ratio),
            beta=float(beta),
            beta_reason=beta_reason,
            category=beta_cat or q_cat,
            source_table=1 if substance.in_table1 else 2,
            q_reason=q_reason,
            note=substance.note,
        ),
        ratio,
        beta,
    )


def _resolve(holding: Holding, index: int, catalogue: Catalogue) -> tuple[_Line | None, list[Problem]]:
    where = f"substances.{index}"
    chemical, quantity, given = holding
    problems: list[Problem] = []
    substance: Substance | None = None
    if isinstance(chemical, Substance):
        substance = chemical
    else:
        try:
            substance = catalogue.find(chemical)
        except LookupError as exc:
            problems.append(Problem(f"{where}.chemical", str(exc)))
    label = f"“{substance.name if substance else chemical}”"
    if not math.isfinite(quantity):
        problems.append(Problem(f"{where}.quantity_t", f"{label}的数量必须是有限的数（吨），实际为 {quantity}"))
    elif quantity < 0:
        problems.append(Problem(f"{where}.quantity_t", f"{label}的数量不能为负数：{quantity:g} t"))
    if substance is None:
        return None, problems
    categories, problem = _categories(substance, given, where)
    if problem is not None:
        problems.append(problem)
    if problems:
        return None, problems
    return _line(substance, quantity, categories), []


def evaluate_unit(
    name: str,
    exposed_population: int,
    substances: Sequence[Holding | tuple[str | Substance, float] | tuple[str | Substance, float, str | None]],
    catalogue: Catalogue = STANDARD,
) -> UnitResult:
    """Identify and grade one unit from its substances (each row: chemical, tonnes, optional category).

    Names are looked up in ``catalogue``: the standard's by default; the stored catalogue with users'
    entries is passed in by the caller (``yingji.hazmat.catalogue.current_catalogue()``).

    :raises GradingError: every problem in the input, each with the field path inside the unit
        (``substances.1.chemical``, ``exposed_population``) and a message naming the substance.
    """
    problems: list[Problem] = []
    if exposed_population < 0:
        problems.append(Problem("exposed_population", f"暴露人数不能为负数：{exposed_population}"))
    lines: list[_Line] = []
    for i, row in enumerate(substances):
        line, found = _resolve(Holding(*row), i, catalogue)
        problems.extend(found)
        if line is not None:
            lines.append(line)
    if problems:
        raise GradingError(problems)

    s = sum((line.ratio for line in lines), Fraction(0))
    alpha, band = alpha_for(exposed_population)
    is_major = s >= 1
    r: Fraction | None = None
    grade: tuple[int, str] | None = None
    if is_major:
        r = _constant(alpha) * sum((line.beta * line.ratio for line in lines), Fraction(0))
        grade = grade_for(r)
    return UnitResult(
        name=name,
        s=float(s),
        is_major_hazard=is_major,
        r=None if r is None else float(r),
        grade=None if grade is None else grade[0],
        grade_label=None if grade is None else grade[1],
        alpha=alpha,
        alpha_reason=f"表5：边界500 m范围内 {exposed_population} 人（{band}）α = {alpha:g}",
        contributions=tuple(line.contribution for line in lines),
    )
