"""GB 18218-2018 identification and grading, hand-computed: S = Σq/Q, R = α·Σβq/Q, the grade by R.

Every case's id carries its arithmetic. α (table 5): 0 people 0.5 · 1–29 1.0 · 30–49 1.2 · 50–99 1.5 · ≥100 2.0.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.hazmat.grading import GradingError, Holding, evaluate_unit
from yingji.hazmat.substances import SUBSTANCES, find_substance

# (id with the working, people, rows, S, R or None, grade or None)
CASES: list[tuple[str, int, list[Any], float, float | None, int | None]] = [
    # --- toxic gases, β from table 3 --------------------------------------------------------------
    ("氯 20t: S=20/5=4; α(120)=2; R=2·4·4=32 → 三级", 120, [("氯", 20)], 4, 32, 3),
    ("氯 by CAS 7782-50-5, same as above", 120, [("7782-50-5", 20)], 4, 32, 3),
    ("光气 0.3t: S=0.3/0.3=1 exactly; α(0)=0.5; R=0.5·20·1=10 → 三级", 0, [("光气", 0.3)], 1, 10, 3),
    ("异氰酸甲酯 0.25t+0.5t: S=1/3+2/3=1 exactly; α(1)=1; R=20·1=20 → 三级", 1,
     [("异氰酸甲酯", 0.25), ("异氰酸甲酯", 0.5)], 1, 20, 3),
    ("硫化氢 10t + 氟化氢 1t: S=2+1=3; Σβq/Q=5·2+5·1=15; α(40)=1.2; R=18 → 三级", 40,
     [("硫化氢", 10), ("氟化氢", 1)], 3, 18, 3),
    ("氰化氢 2t + 二氧化硫 40t: S=2+2=4; Σβq/Q=10·2+2·2=24; α(100)=2; R=48 → 三级", 100,
     [("氰化氢", 2), ("二氧化硫", 40)], 4, 48, 3),
    ("氯 100t + 光气 1.5t: S=20+5=25; Σβq/Q=4·20+20·5=180; α(0)=0.5; R=90 → 二级", 0,
     [("氯", 100), ("光气", 1.5)], 25, 90, 2),
    ("氯 100t + 光气 1.5t: S=25; Σβq/Q=180; α(100)=2; R=360 → 一级", 100,
     [("氯", 100), ("光气", 1.5)], 25, 360, 1),
    ("氯化氢 40t + 溴甲烷 10t: S=2+1=3; Σβq/Q=3·2+3·1=9; α(50)=1.5; R=13.5 → 三级", 50,
     [("氯化氢", 40), ("溴甲烷", 10)], 3, 13.5, 3),
    ("环氧乙烷 30t: S=3; β 2; α(10)=1; R=6 → 四级", 10, [("环氧乙烷", 30)], 3, 6, 4),
    ("煤气 40t: S=40/20=2; β 2 as CO (verify); α(10)=1; R=4 → 四级", 10, [("煤气", 40)], 2, 4, 4),
    ("一氧化碳 20t (table 2: min(W2 10, J3 50)=10): S=2; β 2 (table 3); α(10)=1; R=4 → 四级", 10,
     [("一氧化碳", 20)], 2, 4, 4),
    # --- mixtures, S at and just below 1 -----------------------------------------------------------
    ("氨 5t + 甲醇 250t: S=0.5+0.5=1 → major; Σβq/Q=2·0.5+1·0.5=1.5; α(60)=1.5; R=2.25 → 四级", 60,
     [("氨", 5), ("甲醇", 250)], 1, 2.25, 4),
    ("氨 5t + 甲醇 249.5t: S=0.5+0.499=0.999 → not major", 60, [("氨", 5), ("甲醇", 249.5)], 0.999, None, None),
    ("氨 9.99t: S=0.999 → not major", 500, [("氨", 9.99)], 0.999, None, None),
    ("氨 10t: S=1 → major; α(0)=0.5; R=0.5·2·1=1 → 四级", 0, [("氨", 10)], 1, 1, 4),
    ("液化石油气 100t + 氨 20t: S=2+2=4; Σβq/Q=1.5·2+2·2=7; α(100)=2; R=14 → 三级", 100,
     [("液化石油气", 100), ("氨", 20)], 4, 14, 3),
    ("苯 10t + 甲苯 100t + 乙醚 2t: S=0.2+0.2+0.2=0.6 → not major", 100,
     [("苯", 10), ("甲苯", 100), ("乙醚", 2)], 0.6, None, None),
    ("nothing stored: S=0 → not major", 100, [], 0, None, None),
    # --- table-4 β for table-1 substances --------------------------------------------------------------
    ("氢 10t: S=2; W2 β 1.5; α(1)=1; R=3 → 四级", 1, [("氢", 10)], 2, 3, 4),
    ("汽油 400t: S=2; W5.1 β 1.5 (verify); α(1)=1; R=3 → 四级", 1, [("汽油", 400)], 2, 3, 4),
    ("苯 100t as W5.1 (above boiling point): Q stays 50 (table 1); S=2; β 1.5; R=3 → 四级", 1,
     [("苯", 100, "W5.1")], 2, 3, 4),
    ("TNT 10t: S=2; W1.1 β 2; α(100)=2; R=8 → 四级", 100, [("TNT", 10)], 2, 8, 4),
    ("三氧化硫 150t: S=2; table 4 other β 1; α(1)=1; R=2 → 四级", 1, [("三氧化硫", 150)], 2, 2, 4),
    ("甲醛（含量>90%）10t: S=2; max(J3 2, W2 1.5)=2 (verify); α(1)=1; R=4 → 四级", 1,
     [("甲醛（含量>90%）", 10)], 2, 4, 4),
    # --- not in table 1: Q from table 2 --------------------------------------------------------------
    ("丙烯 25t: W2 Q 10; S=2.5; β 1.5; α(10)=1; R=3.75 → 四级", 10, [("丙烯", 25)], 2.5, 3.75, 4),
    ("原油 3000t W5.3: Q 1000; S=3; β 1; α(200)=2; R=6 → 四级", 200, [("原油", 3000, "W5.3")], 3, 6, 4),
    ("原油 3000t W5.4: Q 5000; S=0.6 → not major", 200, [("原油", 3000, "W5.4")], 0.6, None, None),
    ("原油 30t W5.1: Q 10; S=3; β 1.5; α(200)=2; R=9 → 四级", 200, [("原油", 30, "w5.1")], 3, 9, 4),
    ("原油 200t W5.2: Q 50; S=4; β 1; α(30)=1.2; R=4.8 → 四级", 30, [("原油", 200, "W5.2")], 4, 4.8, 4),
    ("柴油 10000t default W5.4: Q 5000; S=2; β 1; α(50)=1.5; R=3 → 四级", 50, [("柴油", 10000)], 2, 3, 4),
    ("柴油 100t W5.2: Q 50; S=2; β 1; α(50)=1.5; R=3 → 四级", 50, [("柴油", 100, "W5.2")], 2, 3, 4),
    ("原油 20000t W5.4 + 柴油 10000t + 液化石油气 40t: S=4+2+0.8=6.8; Σβq/Q=4+2+1.2=7.2; α(120)=2; R=14.4 → 三级",
     120, [("原油", 20000, "W5.4"), ("柴油", 10000), ("液化石油气", 40)], 6.8, 14.4, 3),
]


@pytest.mark.parametrize(("people", "rows", "s", "r", "grade"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hand_computed(people: int, rows: list[Any], s: float, r: float | None, grade: int | None) -> None:
    result = evaluate_unit("单元", people, rows)
    assert result.s == pytest.approx(s)
    assert result.is_major_hazard is (r is not None)
    assert result.r == (None if r is None else pytest.approx(r))
    assert result.grade == grade


# α bands (table 5), each boundary: 氨 50 t → S=5, Σβq/Q = 2·5 = 10, so R = 10·α.
ALPHA_CASES = [(0, 0.5, 5, 4), (1, 1.0, 10, 3), (29, 1.0, 10, 3), (30, 1.2, 12, 3), (49, 1.2, 12, 3),
               (50, 1.5, 15, 3), (99, 1.5, 15, 3), (100, 2.0, 20, 3), (10_000, 2.0, 20, 3)]


@pytest.mark.parametrize(("people", "alpha", "r", "grade"), ALPHA_CASES,
                         ids=[f"{p} people: α={a}, R=10·{a}={r}" for p, a, r, _ in ALPHA_CASES])
def test_alpha_bands(people: int, alpha: float, r: float, grade: int) -> None:
    result = evaluate_unit("液氨罐区", people, [("氨", 50)])
    assert (result.alpha, result.r, result.grade) == (alpha, pytest.approx(r), grade)


# Grade boundaries (table 6), exact: 氯 with α(10)=1 → R = 4·q/5.
GRADE_CASES = [(12.4, 9.92, 4), (12.5, 10, 3), (62.4, 49.92, 3), (62.5, 50, 2), (124.9, 99.92, 2), (125, 100, 1)]


@pytest.mark.parametrize(("tonnes", "r", "grade"), GRADE_CASES,
                         ids=[f"氯 {q}t: R=1·4·{q}/5={r} → grade {g}" for q, r, g in GRADE_CASES])
def test_grade_boundaries(tonnes: float, r: float, grade: int) -> None:
    result = evaluate_unit("液氯库", 10, [("氯", tonnes)])
    assert (result.r, result.grade) == (pytest.approx(r), grade)


def test_grade_labels() -> None:
    labels = {evaluate_unit("u", 10, [("氯", q)]).grade_label for q in (12.4, 12.5, 62.5, 125)}
    assert labels == {"一级", "二级", "三级", "四级"}


def test_the_working_line_by_line() -> None:
    result = evaluate_unit("罐区", 120, [("氯", 20), ("原油", 3000, "W5.3")])
    chlorine, crude = result.contributions
    assert (chlorine.chemical, chlorine.cas, chlorine.quantity_t, chlorine.critical_q, chlorine.q_over_Q,
            chlorine.beta, chlorine.category, chlorine.source_table) == ("氯", "7782-50-5", 20, 5, 4, 4, None, 1)
    assert "表3" in chlorine.beta_reason and "表1" in chlorine.q_reason
    assert (crude.critical_q, crude.q_over_Q, crude.beta, crude.category, crude.source_table) == (
        1000, 3, 1, "W5.3", 2)
    assert "表4" in crude.beta_reason and "表2" in crude.q_reason
    assert "120 人" in result.alpha_reason and "表5" in result.alpha_reason


def test_a_catalogue_entry_can_be_passed_directly() -> None:
    assert evaluate_unit("u", 10, [Holding(find_substance("氯"), 20)]).s == 4


# --- bad input: a domain error naming the substance, the field and the reason --------------------------
ERROR_CASES = [
    ("unknown chemical", 10, [("氯", 1), ("某溶剂", 5)], "substances.1.chemical", "某溶剂"),
    ("crude oil without its category", 10, [("原油", 100)], "substances.0.category", "原油"),
    ("category outside table 2", 10, [("原油", 100, "W99")], "substances.0.category", "W99"),
    ("category a table-3 gas does not take", 10, [("氯", 1, "W2")], "substances.0.category", "表3"),
    ("category not allowed for diesel", 10, [("柴油", 1, "W5.3")], "substances.0.category", "柴油"),
    ("category for a fixed table-2 gas", 10, [("丙烯", 1, "W5.1")], "substances.0.category", "丙烯"),
    ("negative quantity", 10, [("氨", -1)], "substances.0.quantity_t", "负数"),
    ("NaN quantity", 10, [("氨", math.nan)], "substances.0.quantity_t", "氨"),
    ("infinite quantity", 10, [("氨", math.inf)], "substances.0.quantity_t", "氨"),
    ("negative population", -1, [("氨", 1)], "exposed_population", "负数"),
    ("ammonium nitrate without its combustible content", 10, [("硝酸铵", 1)], "substances.0.chemical",
     "硝酸铵（含可燃物>0.2%）"),
]


@pytest.mark.parametrize(("people", "rows", "field", "words"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_bad_input_is_refused(people: int, rows: list[Any], field: str, words: str) -> None:
    with pytest.raises(GradingError) as caught:
        evaluate_unit("u", people, rows)
    problems = {p.field: p.message for p in caught.value.problems}
    assert field in problems, problems
    assert words in problems[field]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(GradingError) as caught:
        evaluate_unit("u", -5, [("原油", 1), ("某溶剂", -2), ("氯", 1)])
    assert [p.field for p in caught.value.problems] == [
        "exposed_population", "substances.0.category", "substances.1.chemical", "substances.1.quantity_t"]


# --- properties ------------------------------------------------------------------------------------
_PLAIN = [s.name for s in SUBSTANCES if not s.category_required]
rows_st = st.lists(
    st.tuples(st.sampled_from(_PLAIN), st.integers(min_value=0, max_value=1_000_000).map(lambda n: n / 100)),
    min_size=1, max_size=6,
)


@given(rows=rows_st, factor=st.integers(min_value=1, max_value=1000))
def test_s_scales_linearly_with_quantities(rows: list[tuple[str, float]], factor: int) -> None:
    base = evaluate_unit("u", 10, rows).s
    scaled = evaluate_unit("u", 10, [(name, q * factor) for name, q in rows]).s
    assert scaled == pytest.approx(base * factor, rel=1e-9, abs=1e-12)


@given(first=rows_st, second=rows_st)
def test_s_adds_up_over_rows(first: list[tuple[str, float]], second: list[tuple[str, float]]) -> None:
    together = evaluate_unit("u", 10, first + second).s
    assert together == pytest.approx(evaluate_unit("u", 10, first).s + evaluate_unit("u", 10, second).s)


@given(rows=rows_st, people=st.lists(st.integers(min_value=0, max_value=500), min_size=2, max_size=2))
def test_grade_is_monotonic_in_population(rows: list[tuple[str, float]], people: list[int]) -> None:
    fewer, more = sorted(people)
    low, high = evaluate_unit("u", fewer, rows), evaluate_unit("u", more, rows)
    assert low.is_major_hazard is high.is_major_hazard  # people never change S
    if low.grade is not None and high.grade is not None:
        assert high.grade <= low.grade  # 一级 = 1 is the highest
        assert high.r is not None and low.r is not None and high.r >= low.r


@given(rows=rows_st, people=st.integers(min_value=0, max_value=500))
def test_r_is_alpha_times_the_weighted_sum_of_the_lines(rows: list[tuple[str, float]], people: int) -> None:
    result = evaluate_unit("u", people, rows)
    assert result.s == pytest.approx(math.fsum(c.q_over_Q for c in result.contributions))
    if result.r is not None:
        weighted = math.fsum(c.beta * c.q_over_Q for c in result.contributions)
        assert result.r == pytest.approx(result.alpha * weighted)
