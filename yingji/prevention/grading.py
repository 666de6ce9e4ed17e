"""Risk grading of dual prevention (双重预防): LEC (D = L·E·C) and LS (R = L·S), four colours. Pure Python.

LEC is the operating-condition hazard evaluation of Graham and Kinney (1976) as taught in Chinese safety
practice: L (likelihood), E (exposure frequency) and C (consequence) are read from fixed tables and
multiplied. LS is the 5 × 5 matrix R = L·S. The bands that turn D or R into 重大/较大/一般/低 (红/橙/黄/蓝)
differ between provinces, so they are parameters (`Bands`); the defaults are DOMAIN.md §7's common mapping.

Arithmetic is exact (factors read as the decimals written, multiplied as fractions), so a product landing
on a band boundary falls on the side the bands say, never on a floating-point accident.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final


class Method(StrEnum):
    LEC = "lec"
    LS = "ls"


class Level(StrEnum):
    """Four risk levels, most severe first; the colour is the level's name."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS[self]

    @property
    def hex(self) -> str:
        return LEVEL_HEX[self]


LEVEL_LABELS: Final = {Level.RED: "重大风险", Level.ORANGE: "较大风险", Level.YELLOW: "一般风险", Level.BLUE: "低风险"}
COLOUR_LABELS: Final = {Level.RED: "红", Level.ORANGE: "橙", Level.YELLOW: "黄", Level.BLUE: "蓝"}
LEVEL_HEX: Final = {Level.RED: "#d7191c", Level.ORANGE: "#f08c00", Level.YELLOW: "#f2c500", Level.BLUE: "#2b6cb0"}

# LEC tables (Graham & Kinney 1976; the values of DOMAIN.md §7), value → meaning.
LEC_L: Final[dict[float, str]] = {
    10: "完全可以预料", 6: "相当可能", 3: "可能，但不经常", 1: "可能性小，完全意外",
    0.5: "很不可能，可以设想", 0.2: "极不可能", 0.1: "实际不可能",
}
LEC_E: Final[dict[float, str]] = {
    10: "连续暴露", 6: "每天工作时间内暴露", 3: "每周一次或偶然暴露", 2: "每月一次暴露",
    1: "每年几次暴露", 0.5: "非常罕见地暴露",
}
LEC_C: Final[dict[float, str]] = {
    100: "大灾难，许多人死亡", 40: "灾难，数人死亡", 15: "非常严重，一人死亡", 7: "严重，重伤",
    3: "重大，致残", 1: "引人注目，需要救护",
}
# LS matrix: both factors are whole grades 1–5 (5 most likely / most severe).
LS_L: Final[dict[int, str]] = {5: "极可能发生", 4: "很可能发生", 3: "可能发生", 2: "较不可能发生", 1: "基本不可能发生"}
LS_S: Final[dict[int, str]] = {5: "特别重大", 4: "重大", 3: "较大", 2: "一般", 1: "轻微"}


# The table values as exact fractions, looked up instead of parsed on every assessment.
_EXACT: Final[dict[int, dict[float, Fraction]]] = {
    id(table): {value: Fraction(str(value)) for value in table} for table in (LEC_L, LEC_E, LEC_C, LS_L, LS_S)
}


@dataclass(frozen=True)
class Bands:
    """Lower bounds of red, orange and yellow; below yellow is blue.

    `lower_inclusive` says whether a value equal to a bound takes that bound's colour (LS: R = 20 is red)
    or the colour below (LEC: D = 320 is orange, since red is D > 320).
    """

    red: float
    orange: float
    yellow: float
    lower_inclusive: bool

    def problems(self, prefix: str = "") -> list[Problem]:
        return list(_band_problems(self, prefix))

    def level_of(self, value: Fraction) -> Level:
        for level, limit in _limits(self):
            if value > limit or (self.lower_inclusive and value == limit):
                return level
        return Level.BLUE


@functools.lru_cache(maxsize=64)
def _limits(bands: Bands) -> tuple[tuple[Level, Fraction], ...]:
    """The bounds as exact fractions, most severe first (computed once per set of bands)."""
    return tuple((level, Fraction(str(bound))) for level, bound in
                 ((Level.RED, bands.red), (Level.ORANGE, bands.orange), (Level.YELLOW, bands.yellow)))


@functools.lru_cache(maxsize=64)
def _band_problems(bands: Bands, prefix: str) -> tuple[Problem, ...]:
    """Bounds that are not positive finite numbers, or not in the order red > orange > yellow."""
    found: list[Problem] = []
    for name in ("red", "orange", "yellow"):
        value = getattr(bands, name)
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
            found.append(Problem(f"{prefix}{name}", f"分级界限必须是大于 0 的有限数字，实际为 {value!r}"))
    if not found and not (bands.red > bands.orange > bands.yellow):
        found.append(Problem(f"{prefix}red", f"分级界限须满足 红 > 橙 > 黄，实际为 {bands.red:g} / "
                                             f"{bands.orange:g} / {bands.yellow:g}"))
    return tuple(found)


# DOMAIN.md §7: LEC D > 320 red, 160–320 orange, 70–160 yellow, < 70 blue (common mapping, configurable).
DEFAULT_LEC_BANDS: Final = Bands(red=320, orange=160, yellow=70, lower_inclusive=False)
# DOMAIN.md §7: LS red 20–25, orange 9–16, yellow 4–8, blue 1–3 (one province's choice, configurable).
DEFAULT_LS_BANDS: Final = Bands(red=20, orange=9, yellow=4, lower_inclusive=True)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class GradingError(ValueError):
    """Every factor that is missing, not a number or not in its table, each under its field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Assessment:
    """The graded risk: the product, its level, and the formula with the figures ("D = L×E×C = 3×6×15 = 270")."""

    method: Method
    value: float
    level: Level
    formula: str

    @property
    def working(self) -> str:
        return working(self.formula, self.level)


def working(formula: str, level: Level) -> str:
    """The formula with its outcome: "D = L×E×C = 3×6×15 = 270 → 较大风险（橙）"."""
    return f"{formula} → {level.label}（{level.colour_label}）"


def _table_value(field: str, value: object, table: dict[float, str] | dict[int, str], name: str,
                 problems: list[Problem]) -> Fraction | None:
    if value is None:
        problems.append(Problem(field, f"{name}必填"))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(field, f"{name}必须是数字，实际为 {value!r}"))
        return None
    if not math.isfinite(value):
        problems.append(Problem(field, f"{name}必须是有限数字，实际为 {value}"))
        return None
    if value < 0:
        problems.append(Problem(field, f"{name}不能为负数，实际为 {value:g}"))
        return None
    if value not in table:
        allowed = "、".join(f"{v:g}" for v in table)
        problems.append(Problem(field, f"{name} {value:g} 不在取值表中，应为 {allowed} 之一"))
        return None
    return _EXACT[id(table)][value]


def assess_lec(likelihood: float, exposure: float, consequence: float, bands: Bands = DEFAULT_LEC_BANDS
               ) -> Assessment:
    """D = L·E·C with each factor from its table; the level by `bands`.

    :raises GradingError: under `likelihood`, `exposure`, `consequence` (negative, NaN, not in the table).
    """
    problems: list[Problem] = []
    l_ = _table_value("likelihood", likelihood, LEC_L, "L（事故发生的可能性）", problems)
    e = _table_value("exposure", exposure, LEC_E, "E（暴露于危险环境的频繁程度）", problems)
    c = _table_value("consequence", consequence, LEC_C, "C（发生事故可能造成的后果）", problems)
    problems.extend(bands.problems("bands."))
    if problems or l_ is None or e is None or c is None:
        raise GradingError(problems)
    d = l_ * e * c
    level = bands.level_of(d)
    formula = f"D = L×E×C = {float(l_):g}×{float(e):g}×{float(c):g} = {float(d):g}"
    return Assessment(Method.LEC, float(d), level, formula)


def assess_ls(likelihood: int, severity: int, bands: Bands = DEFAULT_LS_BANDS) -> Assessment:
    """R = L·S on the 5 × 5 matrix (whole grades 1–5); the level by `bands`.

    :raises GradingError: under `likelihood`, `severity` (not a whole grade 1–5).
    """
    problems: list[Problem] = []
    l_ = _table_value("likelihood", likelihood, LS_L, "L（可能性）", problems)
    s = _table_value("severity", severity, LS_S, "S（严重性）", problems)
    problems.extend(bands.problems("bands."))
    if problems or l_ is None or s is None:
        raise GradingError(problems)
    r = l_ * s
    level = bands.level_of(r)
    formula = f"R = L×S = {float(l_):g}×{float(s):g} = {float(r):g}"
    return Assessment(Method.LS, float(r), level, formula)


def assess(method: str, likelihood: float | None, exposure: float | None, consequence: float | None,
           severity: float | None, *, lec_bands: Bands = DEFAULT_LEC_BANDS, ls_bands: Bands = DEFAULT_LS_BANDS
           ) -> Assessment:
    """Dispatch on the method name: LEC uses L, E, C; LS uses L and S (the others must be absent).

    :raises GradingError: an unknown method, missing factors, or factors of the other method.
    """
    if method == Method.LEC:
        if severity is not None:
            raise GradingError([Problem("severity", "LEC 法不使用 S（严重性），请改填 E 和 C 或选择 LS 法")])
        return assess_lec(likelihood, exposure, consequence, lec_bands)  # type: ignore[arg-type]
    if method == Method.LS:
        stray = [Problem(name, f"LS 法不使用 {label}，请改填 S 或选择 LEC 法")
                 for name, value, label in (("exposure", exposure, "E"), ("consequence", consequence, "C"))
                 if value is not None]
        if stray:
            raise GradingError(stray)
        return assess_ls(likelihood, severity, ls_bands)  # type: ignore[arg-type]
    raise GradingError([Problem("method", f"评价方法只能是 lec 或 ls，实际为 {method!r}")])
