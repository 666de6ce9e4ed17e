"""Dangerous-goods classes (GB 6944-2012) and a transport licence's scope: a table of cases."""

from __future__ import annotations

import pytest

from yingji.hazmat.substances import SUBSTANCES
from yingji.hazmat.transport import CLASSES, UN_CLASS, classes_of, covers, scope_problem, uncovered


@pytest.mark.parametrize(("un", "cls"), [
    (("1017",), {"2.3"}), (("1005",), {"2.3"}), (("1203",), {"3"}), (("1075",), {"2.1"}), (("1072", "1073"), {"2.2"}),
    (("1052",), {"8"}), (("1051",), {"6.1"}), (("1428",), {"4.3"}), (("0209",), {"1.1"}), (("1942",), {"5.1"}),
    (("9999",), set()), ((), set()),
])
def test_classes_of_un_numbers(un: tuple[str, ...], cls: set[str]) -> None:
    assert classes_of(un) == cls


@pytest.mark.parametrize(("scope", "cls", "covered"), [
    (["2"], "2.3", True), (["2.3"], "2.3", True), (["2.1"], "2.3", False), (["3", "8"], "3", True),
    (["1"], "1.1", True), (["6.1"], "6.2", False), (["6"], "6.2", True), ([], "3", False),
])
def test_a_class_covers_its_divisions(scope: list[str], cls: str, covered: bool) -> None:
    assert covers(scope, cls) is covered


def test_uncovered_lists_what_is_missing_in_order() -> None:
    assert uncovered(["3"], {"8", "2.3", "3"}) == ["2.3", "8"]
    assert uncovered(["2", "3", "8"], {"2.3", "8"}) == []


@pytest.mark.parametrize(("scope", "ok"), [
    (["2.1", "3"], True), (["1", "9"], True), ([], False), (["10"], False), (["3.1"], False), (["2.4"], False),
])
def test_scope_problem(scope: list[str], ok: bool) -> None:
    assert (scope_problem(scope) is None) is ok


def test_every_catalogued_un_number_has_a_class() -> None:
    missing = [(s.name, un) for s in SUBSTANCES for un in s.un if un not in UN_CLASS]
    assert missing == []
    assert set(UN_CLASS.values()) <= CLASSES
