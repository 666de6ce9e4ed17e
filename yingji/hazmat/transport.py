"""Dangerous-goods classes for road transport (GB 6944-2012, the UN Model Regulations' classes) and the scope of
a carrier's 道路危险货物运输经营许可证 (pure, no Django).

A licence's scope names whole classes ("3", "8") or divisions ("2.1", "6.1"); a whole class covers its
divisions. A chemical's class comes from its UN numbers (`UN_CLASS`, the catalogue's entries; every value
(verify) against GB 12268-2012's list); a chemical with several UN numbers of different classes needs them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

DIVISIONS: Final = ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1",
                    "5.2", "6.1", "6.2", "7", "8", "9")
CLASSES: Final = frozenset({*DIVISIONS, "1", "2", "4", "5", "6"})  # what a licence's scope may name
CLASS_LABELS: Final = {
    "1": "第1类 爆炸品", "2": "第2类 气体", "2.1": "2.1项 易燃气体", "2.2": "2.2项 非易燃无毒气体",
    "2.3": "2.3项 毒性气体", "3": "第3类 易燃液体", "4": "第4类 易燃固体、易于自燃的物质、遇水放出易燃气体的物质",
    "4.1": "4.1项 易燃固体", "4.2": "4.2项 易于自燃的物质", "4.3": "4.3项 遇水放出易燃气体的物质",
    "5": "第5类 氧化性物质和有机过氧化物", "5.1": "5.1项 氧化性物质", "5.2": "5.2项 有机过氧化物",
    "6": "第6类 毒性物质和感染性物质", "6.1": "6.1项 毒性物质", "6.2": "6.2项 感染性物质", "7": "第7类 放射性物质",
    "8": "第8类 腐蚀性物质", "9": "第9类 杂项危险物质和物品", **{f"1.{n}": f"1.{n}项 爆炸品" for n in range(1, 7)},
}
# UN number → class or division (GB 12268-2012 / UN Model Regulations; (verify) each).
UN_CLASS: Final[dict[str, str]] = {
    "1005": "2.3", "1017": "2.3", "1076": "2.3", "1053": "2.3", "1050": "2.3", "1079": "2.3", "1051": "6.1",
    "1052": "8", "2480": "6.1", "1062": "2.3", "1040": "2.3", "1067": "2.3", "2199": "2.3", "1829": "8",
    "2078": "6.1", "1093": "3", "1131": "3", "1049": "2.1", "1966": "2.1", "1075": "2.1", "1971": "2.1",
    "1972": "2.1", "1962": "2.1", "1038": "2.1", "1001": "2.1", "1010": "2.1", "1033": "2.1", "1086": "2.1",
    "1280": "3", "1114": "3", "1294": "3", "2055": "3", "1230": "3", "1170": "3", "1203": "3", "1090": "3",
    "1155": "3", "1145": "3", "1208": "3", "1173": "3", "1072": "2.2", "1073": "2.2", "0222": "1.1",
    "1942": "5.1", "2067": "5.1", "1486": "5.1", "1402": "4.3", "1428": "4.3", "2257": "4.3", "2032": "8",
    "2031": "8", "1485": "5.1", "1495": "5.1", "0209": "1.1", "1467": "5.1", "1077": "2.1", "1016": "2.3",
    "1267": "3", "1202": "3",
}


def label(cls: str) -> str:
    return CLASS_LABELS.get(cls, cls)


def classes_of(un_numbers: Iterable[str]) -> frozenset[str]:
    """The classes of a chemical's UN numbers that the table knows (empty when it knows none)."""
    return frozenset(UN_CLASS[un] for un in un_numbers if un in UN_CLASS)


def scope_problem(scope: Iterable[str]) -> str | None:
    """A licence's scope: at least one class, each a class or division of GB 6944."""
    items = list(scope)
    if not items:
        return "请填写经营范围（危险货物类别，如 2.1、3、8）"
    unknown = [str(c) for c in items if c not in CLASSES]
    if unknown:
        return f"经营范围中的“{'、'.join(unknown)}”不是危险货物类别或项别（GB 6944-2012：1–9 类，如 2.1、3、6.1）"
    return None


def covers(scope: Iterable[str], cls: str) -> bool:
    """A scope entry names the division itself or its whole class."""
    held = set(scope)
    return cls in held or cls.split(".")[0] in held


def uncovered(scope: Iterable[str], classes: Iterable[str]) -> list[str]:
    """The classes the scope does not cover, in order."""
    held = list(scope)
    return sorted(c for c in set(classes) if not covers(held, c))
