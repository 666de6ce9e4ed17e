"""The GB 18218-2018 data: every figure against DOMAIN.md §3, CAS check digits, and catalogue lookup."""

from __future__ import annotations

import pytest

from yingji.hazmat.substances import (
    ALPHA_BANDS,
    CATEGORIES,
    GRADE_BANDS,
    SUBSTANCES,
    AmbiguousSubstance,
    UnknownCategory,
    UnknownSubstance,
    find_substance,
    normalize_category,
    search_substances,
)

# DOMAIN.md §3, table 1, copied figure by figure (name as the catalogue spells it → Q in t).
TABLE_1 = {
    "氨": 10, "氯": 5, "光气": 0.3, "硫化氢": 5, "氯化氢（无水）": 20, "煤气": 20, "二氧化硫": 20, "氰化氢": 1,
    "氟化氢": 1, "甲醛（含量>90%）": 5, "异氰酸甲酯": 0.75, "溴甲烷": 10, "三氧化硫": 75, "甲苯二异氰酸酯": 100,
    "丙烯腈": 50, "二硫化碳": 50, "氢": 5, "液化石油气": 50, "甲烷、天然气": 50, "乙烯": 50, "乙炔": 1,
    "1,3-丁二烯": 5, "二甲醚": 50, "氯乙烯": 50, "环氧乙烷": 10, "环氧丙烷": 10, "苯": 50, "甲苯": 500,
    "苯乙烯": 500, "甲醇": 500, "乙醇": 500, "汽油": 200, "丙酮": 500, "乙醚": 10, "环己烷": 500, "正己烷": 500,
    "乙酸乙酯": 500, "氧（压缩的或液化的）": 200, "硝酸铵（含可燃物>0.2%）": 5, "硝酸铵（含可燃物≤0.2%）": 50,
    "硝酸铵肥料": 200, "硝酸钾": 1000, "电石": 100, "钠": 10, "钾": 1, "发烟硝酸": 20, "硝酸（含硝酸>70%）": 100,
    "氯酸钾": 100, "氯酸钠": 100, "硝化甘油": 1, "2,4,6-三硝基甲苯": 5, "硝酸胍": 50,
}
# Table-1 entries whose Q is not in DOMAIN.md (marked verify in the catalogue).
TABLE_1_VERIFY = {"二氧化氮": 1, "磷化氢": 1}

# DOMAIN.md §3, table 3.
TABLE_3 = {"一氧化碳": 2, "二氧化硫": 2, "氨": 2, "环氧乙烷": 2, "氯化氢（无水）": 3, "溴甲烷": 3, "氯": 4,
           "硫化氢": 5, "氟化氢": 5, "二氧化氮": 10, "氰化氢": 10, "光气": 20, "磷化氢": 20, "异氰酸甲酯": 20}

# DOMAIN.md §3, table 2 (Q) and table 4 (β).
TABLE_2_AND_4 = {
    "J1": (5, 4), "J2": (50, 1), "J3": (50, 2), "J4": (50, 2), "J5": (500, 1),
    "W1.1": (1, 2), "W1.2": (10, 2), "W1.3": (50, 2), "W2": (10, 1.5), "W3": (150, 1), "W4": (50, 1),
    "W5.1": (10, 1.5), "W5.2": (50, 1), "W5.3": (1000, 1), "W5.4": (5000, 1), "W6.1": (10, 1.5), "W6.2": (50, 1),
    "W7.1": (10, 1.5), "W7.2": (50, 1), "W8": (50, 1), "W9.1": (50, 1), "W9.2": (200, 1), "W10": (200, 1),
    "W11": (200, 1),
}

BY_NAME = {s.name: s for s in SUBSTANCES}


def test_table_1_quantities_are_domain_figures() -> None:
    table1 = {s.name: s.table1_q for s in SUBSTANCES if s.in_table1}
    assert table1 == {**TABLE_1, **TABLE_1_VERIFY}
    for name in TABLE_1_VERIFY:
        assert "verify" in BY_NAME[name].note


def test_table_3_betas_are_domain_figures() -> None:
    assert {s.name: s.toxic_gas_beta for s in SUBSTANCES if s.toxic_gas_beta is not None} == {
        **TABLE_3, "煤气": 2}  # 煤气 as carbon monoxide (verify)


def test_tables_2_and_4_are_domain_figures() -> None:
    assert {c.code: (c.critical_q, c.beta) for c in CATEGORIES.values()} == TABLE_2_AND_4


@pytest.mark.parametrize(("people", "alpha"), [(100, 2.0), (50, 1.5), (30, 1.2), (1, 1.0), (0, 0.5)])
def test_table_5_band_lower_bounds(people: int, alpha: float) -> None:
    assert (people, alpha) in {(lower, a) for lower, a, _ in ALPHA_BANDS}


def test_table_6_bands() -> None:
    assert [(lower, grade, label) for lower, grade, label in GRADE_BANDS[:3]] == [
        (100, 1, "一级"), (50, 2, "二级"), (10, 3, "三级")]
    assert GRADE_BANDS[3][1:] == (4, "四级")


@pytest.mark.parametrize(("name", "category", "q"), [("丙烯", "W2", 10), ("柴油", "W5.4", 5000)])
def test_non_table_1_substances_use_table_2(name: str, category: str, q: float) -> None:
    substance = BY_NAME[name]
    assert not substance.in_table1
    assert substance.categories == (category,)
    assert CATEGORIES[category].critical_q == q


def test_crude_oil_needs_its_category() -> None:
    crude = BY_NAME["原油"]
    assert crude.category_required
    assert crude.selectable == ("W5.1", "W5.2", "W5.3", "W5.4")


def _cas_check_digit_ok(cas: str) -> bool:
    """CAS: the last digit is Σ (position from the right × digit) mod 10 over the other digits."""
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 == check


@pytest.mark.parametrize("cas", sorted({c for s in SUBSTANCES for c in s.cas}))
def test_cas_numbers_have_valid_check_digits(cas: str) -> None:
    assert _cas_check_digit_ok(cas), cas


def test_un_numbers_are_four_digits() -> None:
    assert all(len(un) == 4 and un.isdigit() for s in SUBSTANCES for un in s.un)


def test_every_category_is_a_table_2_code() -> None:
    for substance in SUBSTANCES:
        assert set(substance.categories) <= set(CATEGORIES), substance.name
        assert set(substance.selectable) <= set(CATEGORIES), substance.name
        if substance.selectable and substance.categories:
            assert set(substance.categories) <= set(substance.selectable), substance.name


def test_every_substance_has_a_q_and_a_beta_source() -> None:
    for substance in SUBSTANCES:
        assert substance.in_table1 or substance.categories or substance.category_required, substance.name


def test_every_name_alias_and_cas_finds_its_own_entry() -> None:
    for substance in SUBSTANCES:
        for key in (substance.name, substance.name_en, *substance.aliases, *substance.cas):
            if key in substance.qualified_only:
                continue
            assert find_substance(key) is substance, key


@pytest.mark.parametrize(("ref", "name"), [
    ("氯", "氯"),
    ("液氯", "氯"),
    ("CHLORINE", "氯"),
    ("Chlorine ", "氯"),
    ("7782-50-5", "氯"),
    ("碳酰氯", "光气"),
    ("氯化氢(无水)", "氯化氢（无水）"),  # half-width brackets
    ("ｍｅｔｈａｎｏｌ", "甲醇"),  # full-width letters
    ("丙烷", "液化石油气"),
    ("天然气", "甲烷、天然气"),
    ("115-07-1", "丙烯"),
    ("crude oil", "原油"),
])
def test_lookup(ref: str, name: str) -> None:
    assert find_substance(ref).name == name


def test_unknown_chemical_is_named() -> None:
    with pytest.raises(UnknownSubstance, match="“某溶剂”"):
        find_substance(" 某溶剂 ")


@pytest.mark.parametrize(("ref", "candidates"), [
    ("硝酸铵", {"硝酸铵（含可燃物>0.2%）", "硝酸铵（含可燃物≤0.2%）"}),
    ("6484-52-2", {"硝酸铵（含可燃物>0.2%）", "硝酸铵（含可燃物≤0.2%）"}),
    ("甲醛", {"甲醛（含量>90%）"}),  # table 1 lists only > 90 %
    ("50-00-0", {"甲醛（含量>90%）"}),
    ("硝酸", {"硝酸（含硝酸>70%）", "发烟硝酸"}),
])
def test_concentration_dependent_entries_need_the_full_name(ref: str, candidates: set[str]) -> None:
    with pytest.raises(AmbiguousSubstance) as caught:
        find_substance(ref)
    assert {s.name for s in caught.value.candidates} == candidates
    assert all(name in str(caught.value) for name in candidates)


@pytest.mark.parametrize(("code", "expected"), [("W5.3", "W5.3"), (" w5.3 ", "W5.3"), ("Ｗ２", "W2")])
def test_normalize_category(code: str, expected: str) -> None:
    assert normalize_category(code) == expected


def test_unknown_category() -> None:
    with pytest.raises(UnknownCategory, match="W99"):
        normalize_category("W99")


@pytest.mark.parametrize(("query", "expected"), [
    ("氯", {"氯", "光气", "氯化氢（无水）", "氯乙烯", "氯酸钾", "氯酸钠"}),
    ("7664-41-7", {"氨"}),
    ("1005", {"氨"}),  # UN number
    ("HEXANE", {"环己烷", "正己烷"}),
])
def test_search(query: str, expected: set[str]) -> None:
    assert {s.name for s in search_substances(query)} == expected


def test_empty_search_lists_everything() -> None:
    assert len(search_substances("  ")) == len(SUBSTANCES)
