"""Dual-prevention risk grading, hand-computed: LEC D = L·E·C and LS R = L·S, each band boundary of DOMAIN §7.

Default LEC bands: D > 320 红, 160 < D ≤ 320 橙, 70 < D ≤ 160 黄, D ≤ 70 蓝.
Default LS bands: R ≥ 20 红, 9 ≤ R ≤ 16 橙, 4 ≤ R ≤ 8 黄, R ≤ 3 蓝.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.prevention.grading import (
    LEC_C,
    LEC_E,
    LEC_L,
    Bands,
    GradingError,
    Level,
    assess,
    assess_lec,
    assess_ls,
)

# (working, L, E, C, D, level)
LEC_CASES = [
    ("10×10×100 = 10000, the largest D", 10, 10, 100, 10000, Level.RED),
    ("6×6×15 = 540 > 320", 6, 6, 15, 540, Level.RED),
    ("6×6×7 = 252: 160 < D ≤ 320", 6, 6, 7, 252, Level.ORANGE),
    ("10×6×3 = 180", 10, 6, 3, 180, Level.ORANGE),
    ("3×6×7 = 126: 70 < D ≤ 160", 3, 6, 7, 126, Level.YELLOW),
    ("1×6×15 = 90", 1, 6, 15, 90, Level.YELLOW),
    ("3×3×7 = 63 ≤ 70", 3, 3, 7, 63, Level.BLUE),
    ("0.1×0.5×1 = 0.05, the smallest D", 0.1, 0.5, 1, 0.05, Level.BLUE),
    ("1×10×7 = 70 exactly: not > 70 → blue (the only table product on a default boundary)", 1, 10, 7, 70,
     Level.BLUE),
    ("10×1×7 = 70 exactly → blue", 10, 1, 7, 70, Level.BLUE),
    ("0.2×10×40 = 80: 0.2 kept exact by the fraction arithmetic → yellow", 0.2, 10, 40, 80, Level.YELLOW),
    ("3×10×7 = 210 → orange", 3, 10, 7, 210, Level.ORANGE),
    ("0.5×6×100 = 300 → orange", 0.5, 6, 100, 300, Level.ORANGE),
    ("1×6×100 = 600 → red", 1, 6, 100, 600, Level.RED),
]
# D = 160 and D = 320 are no product of the tables; those boundaries are tested through the bands below.


@pytest.mark.parametrize(("working", "l_", "e", "c", "d", "level"), LEC_CASES,
                         ids=[c[0] for c in LEC_CASES])
def test_lec_cases(working: str, l_: float, e: float, c: float, d: float, level: Level) -> None:
    result = assess_lec(l_, e, c)
    assert math.isclose(result.value, d)
    assert result.level is level
    assert f"= {d:g} →" in result.working


# (R, L, S, level): every product of the 5×5 matrix near a boundary
LS_CASES = [
    (25, 5, 5, Level.RED), (20, 4, 5, Level.RED), (20, 5, 4, Level.RED),
    (16, 4, 4, Level.ORANGE), (15, 3, 5, Level.ORANGE), (12, 3, 4, Level.ORANGE), (9, 3, 3, Level.ORANGE),
    (8, 2, 4, Level.YELLOW), (6, 2, 3, Level.YELLOW), (5, 1, 5, Level.YELLOW), (4, 2, 2, Level.YELLOW),
    (4, 1, 4, Level.YELLOW),
    (3, 1, 3, Level.BLUE), (2, 1, 2, Level.BLUE), (1, 1, 1, Level.BLUE),
]


@pytest.mark.parametrize(("r", "l_", "s", "level"), LS_CASES, ids=[f"{c[1]}x{c[2]}={c[0]}" for c in LS_CASES])
def test_ls_cases(r: int, l_: int, s: int, level: Level) -> None:
    result = assess_ls(l_, s)
    assert (result.value, result.level) == (r, level)


# Band boundaries, tested through the bands themselves: (bands, value, level)
LEC_DEFAULT = Bands(320, 160, 70, lower_inclusive=False)
LS_DEFAULT = Bands(20, 9, 4, lower_inclusive=True)
BOUNDARIES = [
    ("LEC 320.0001 > 320 → red", LEC_DEFAULT, "320.0001", Level.RED),
    ("LEC 320 is not > 320 → orange", LEC_DEFAULT, "320", Level.ORANGE),
    ("LEC 160.0001 → orange", LEC_DEFAULT, "160.0001", Level.ORANGE),
    ("LEC 160 → yellow", LEC_DEFAULT, "160", Level.YELLOW),
    ("LEC 70.0001 → yellow", LEC_DEFAULT, "70.0001", Level.YELLOW),
    ("LEC 70 → blue", LEC_DEFAULT, "70", Level.BLUE),
    ("LS 20 → red", LS_DEFAULT, "20", Level.RED),
    ("LS 19.999 → orange", LS_DEFAULT, "19.999", Level.ORANGE),
    ("LS 9 → orange", LS_DEFAULT, "9", Level.ORANGE),
    ("LS 8.999 → yellow", LS_DEFAULT, "8.999", Level.YELLOW),
    ("LS 4 → yellow", LS_DEFAULT, "4", Level.YELLOW),
    ("LS 3.999 → blue", LS_DEFAULT, "3.999", Level.BLUE),
    ("a province's LS choice red ≥ 15: 15 → red", Bands(15, 8, 4, True), "15", Level.RED),
]


@pytest.mark.parametrize(("working", "bands", "value", "level"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_band_boundaries(working: str, bands: Bands, value: str, level: Level) -> None:
    assert bands.level_of(Fraction(value)) is level


def test_configured_bands_change_the_level() -> None:
    # 6×6×7 = 252: orange by default; a county that draws red above 240 sees red.
    assert assess_lec(6, 6, 7).level is Level.ORANGE
    assert assess_lec(6, 6, 7, Bands(240, 160, 70, False)).level is Level.RED
    # 3×3 = 9 orange by default; with orange from 10 it is yellow.
    assert assess_ls(3, 3, Bands(20, 10, 4, True)).level is Level.YELLOW


BAD = [
    ("negative L", lambda: assess_lec(-1, 6, 7), "likelihood", "不能为负数"),
    ("NaN E", lambda: assess_lec(6, float("nan"), 7), "exposure", "有限数字"),
    ("infinite C", lambda: assess_lec(6, 6, float("inf")), "consequence", "有限数字"),
    ("C not in table", lambda: assess_lec(6, 6, 50), "consequence", "不在取值表中"),
    ("L missing", lambda: assess_lec(None, 6, 7), "likelihood", "必填"),  # type: ignore[arg-type]
    ("LS 6", lambda: assess_ls(6, 1), "likelihood", "不在取值表中"),
    ("LS 2.5", lambda: assess_ls(2, 2.5), "severity", "不在取值表中"),  # type: ignore[arg-type]
    ("LS 0", lambda: assess_ls(0, 3), "likelihood", "不在取值表中"),
    ("text", lambda: assess_ls("3", 3), "likelihood", "必须是数字"),  # type: ignore[arg-type]
    ("bands out of order", lambda: assess_ls(3, 3, Bands(9, 20, 4, True)), "bands.red", "红 > 橙 > 黄"),
    ("bands NaN", lambda: assess_ls(3, 3, Bands(float("nan"), 9, 4, True)), "bands.red", "有限数字"),
    ("LS with E", lambda: assess("ls", 3, 6, None, 3), "exposure", "LS 法不使用"),
    ("LEC with S", lambda: assess("lec", 3, 6, 7, 3), "severity", "LEC 法不使用"),
    ("unknown method", lambda: assess("abc", 3, 6, 7, None), "method", "lec 或 ls"),
]


@pytest.mark.parametrize(("case", "call", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_factors_name_the_field(case: str, call: object, field: str, words: str) -> None:
    with pytest.raises(GradingError) as caught:
        call()  # type: ignore[operator]
    assert any(p.field == field and words in p.message for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(GradingError) as caught:
        assess_lec(-1, float("nan"), 50)
    assert [p.field for p in caught.value.problems] == ["likelihood", "exposure", "consequence"]


@settings(deadline=None)  # the machine is shared: timing is not what this tests
@given(st.sampled_from(sorted(LEC_L)), st.sampled_from(sorted(LEC_E)), st.sampled_from(sorted(LEC_C)))
def test_lec_level_is_monotone_in_d(l_: float, e: float, c: float) -> None:
    result = assess_lec(l_, e, c)
    order = [Level.BLUE, Level.YELLOW, Level.ORANGE, Level.RED]
    for other_c in (v for v in LEC_C if v > c):
        assert order.index(assess_lec(l_, e, other_c).level) >= order.index(result.level)


def test_whole_ls_matrix_against_the_default_table() -> None:
    expected = {1: Level.BLUE, 2: Level.BLUE, 3: Level.BLUE, 4: Level.YELLOW, 5: Level.YELLOW, 6: Level.YELLOW,
                8: Level.YELLOW, 9: Level.ORANGE, 10: Level.ORANGE, 12: Level.ORANGE, 15: Level.ORANGE,
                16: Level.ORANGE, 20: Level.RED, 25: Level.RED}
    for l_, s in itertools.product(range(1, 6), range(1, 6)):
        assert assess_ls(l_, s).level is expected[l_ * s], (l_, s)
