"""统一社会信用代码（GB 32100-2015）校验测试。"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.core.credit_code import (
    ALPHABET,
    admin_division_code,
    check_character,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
    validate_credit_code,
)

VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes(code: str) -> None:
    assert validate_credit_code(code) is None
    assert is_valid_credit_code(code)
    assert check_character(code[:17]) == code[17]
    assert make_credit_code(code[:17]) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "统一社会信用代码不能为空"),
        ("   ", "统一社会信用代码不能为空"),
        ("91350100M000100Y4", "统一社会信用代码应为 18 位，实际为 17 位"),
        ("91350100M000100Y433", "统一社会信用代码应为 18 位，实际为 19 位"),
        ("91350100M0001O0Y43", "第 14 位字符“O”不是合法字符（不使用 I、O、Z、S、V）"),
        ("I1350100M000100Y43", "第 1 位字符“I”不是合法字符（不使用 I、O、Z、S、V）"),
        ("91350100M000100Y4-", "第 18 位字符“-”不是合法字符"),
        ("91350100M000100Y44", "校验码错误：第 18 位应为“3”，实际为“4”"),
        ("91110000600037341M", "校验码错误：第 18 位应为“L”，实际为“M”"),
    ],
)
def test_invalid_codes_give_specific_reason(code: str, reason: str) -> None:
    assert validate_credit_code(code) == reason


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [(" 91350100m000100y43 ", "91350100M000100Y43"), ("\t91110000600037341l\n", "91110000600037341L")],
)
def test_normalize_strips_and_uppercases(raw: str, normalized: str) -> None:
    assert normalize_credit_code(raw) == normalized
    assert validate_credit_code(raw) is None


def test_admin_division_code_is_positions_3_to_8() -> None:
    assert admin_division_code("91350100M000100Y43") == "350100"
    assert admin_division_code("91110000600037341L") == "110000"


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("9135010", "计算校验码需要 17 位本体代码，实际为 7 位"), ("91350100M0001O0Y4", "第 14 位字符“O”不是合法字符")],
)
def test_check_character_rejects_bad_input(prefix: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_character(prefix)


def test_alphabet_excludes_ambiguous_letters() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


bodies = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@settings(max_examples=300, deadline=None)
@given(bodies)
def test_every_generated_code_validates(body: str) -> None:
    code = make_credit_code(body)
    assert len(code) == 18
    assert validate_credit_code(code) is None


@settings(max_examples=300, deadline=None)
@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_caught(body: str, pos: int, new: str) -> None:
    code = make_credit_code(body)
    if code[pos] == new:
        new = ALPHABET[(ALPHABET.index(new) + 1) % len(ALPHABET)]
    mutated = code[:pos] + new + code[pos + 1 :]
    # 权重与 31 互素且 31 为素数，任一位替换都会改变校验和
    assert validate_credit_code(mutated) is not None
