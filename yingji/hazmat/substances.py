"""GB 18218-2018 (危险化学品重大危险源辨识) as data: the named substances and tables 2–6. Pure Python.

Source: /work/shared/DOMAIN.md §3, which was cross-checked against public copies of the standard.
Anything taken from elsewhere is marked **(verify)** beside it and in docs/hazmat.md.

- Table 1: named substances and their critical quantity Q (t). Q comes from table 1 whenever the
  substance is listed there, even where its hazard categories would give another Q in table 2.
- Table 2: critical quantity by hazard category, for substances not in table 1.
- Table 3: correction factor β of the named toxic gases.
- Table 4: β by hazard category, for everything table 3 does not name.
- Table 5: α by the number of people within 500 m of the unit's boundary.
- Table 6: the grade of a major hazard installation by R.

A substance with several hazards (verify: this rule is not in DOMAIN.md): table 2 takes the smallest
critical quantity among its categories; β is then the largest table-4 β among them (the conservative
reading, verify).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, NamedTuple

__all__ = [
    "CATEGORIES",
    "SUBSTANCES",
    "STANDARD",
    "Catalogue",
    "ALPHA_BANDS",
    "GRADE_BANDS",
    "OTHER_BETA",
    "HazardCategory",
    "PhysicalState",
    "Substance",
    "UnknownSubstance",
    "AmbiguousSubstance",
    "UnknownCategory",
    "find_substance",
    "search_substances",
    "normalize_category",
    "normalize_key",
]


class PhysicalState(StrEnum):
    """State at 20 °C and 101.3 kPa (what is stored may be liquefied or compressed)."""

    GAS = "gas"
    LIQUID = "liquid"
    SOLID = "solid"

    @property
    def label(self) -> str:
        return {"gas": "气体", "liquid": "液体", "solid": "固体"}[self.value]


class HazardCategory(NamedTuple):
    """One row of GB 18218-2018 table 2 with its β from table 4."""

    code: str
    description: str
    critical_q: float  # t, table 2
    beta: float  # table 4


# GB 18218-2018 table 2 (critical quantity, t) and table 4 (β), as DOMAIN.md §3 gives them.
# Descriptions of W6, W7 and W9 (which type or category goes in .1 or .2) are (verify).
CATEGORIES: Final[dict[str, HazardCategory]] = {c.code: c for c in (
    #                          description                                         表2 Q  表4 β
    HazardCategory("J1", "急性毒性 类别1，气体", 5, 4),
    HazardCategory("J2", "急性毒性 类别1，固体、液体", 50, 1),
    HazardCategory("J3", "急性毒性 类别2、3，气体", 50, 2),
    HazardCategory("J4", "急性毒性 类别2、3，吸入途径，液体（沸点≤35℃）", 50, 2),
    HazardCategory("J5", "急性毒性 类别2，其他（除J4外的液体、固体）", 500, 1),
    HazardCategory("W1.1", "不稳定爆炸物、1.1项爆炸物", 1, 2),
    HazardCategory("W1.2", "1.2、1.3、1.5、1.6项爆炸物", 10, 2),
    HazardCategory("W1.3", "1.4项爆炸物", 50, 2),
    HazardCategory("W2", "易燃气体 类别1、2", 10, 1.5),
    HazardCategory("W3", "气溶胶", 150, 1),
    HazardCategory("W4", "氧化性气体", 50, 1),
    HazardCategory("W5.1", "易燃液体 类别1；或类别2、3且工作温度高于沸点", 10, 1.5),
    HazardCategory("W5.2", "易燃液体 类别2、3，具有引发重大事故的特殊工艺条件", 50, 1),
    HazardCategory("W5.3", "易燃液体 不属于W5.1、W5.2的其他类别2", 1000, 1),
    HazardCategory("W5.4", "易燃液体 不属于W5.1、W5.2的其他类别3", 5000, 1),
    HazardCategory("W6.1", "自反应物质和混合物 A型、B型 (verify)", 10, 1.5),
    HazardCategory("W6.2", "自反应物质和混合物 C～F型 (verify)", 50, 1),
    HazardCategory("W7.1", "有机过氧化物 A型、B型 (verify)", 10, 1.5),
    HazardCategory("W7.2", "有机过氧化物 C～F型 (verify)", 50, 1),
    HazardCategory("W8", "自燃液体、自燃固体", 50, 1),
    HazardCategory("W9.1", "氧化性固体和液体 类别1 (verify)", 50, 1),
    HazardCategory("W9.2", "氧化性固体和液体 类别2、3 (verify)", 200, 1),
    HazardCategory("W10", "易燃固体", 200, 1),
    HazardCategory("W11", "遇水放出易燃气体的物质和混合物", 200, 1),
)}

# Table 4, "others": a table-1 substance whose hazards fall in no table-2 category (e.g. corrosive only).
OTHER_BETA: Final[float] = 1

# GB 18218-2018 table 5: α by the people within 500 m of the unit's boundary (lower bound inclusive).
ALPHA_BANDS: Final[tuple[tuple[int, float, str], ...]] = (
    (100, 2.0, "100人以上"),
    (50, 1.5, "50～99人"),
    (30, 1.2, "30～49人"),
    (1, 1.0, "1～29人"),
    (0, 0.5, "0人"),
)

# GB 18218-2018 table 6: grade by R (lower bound inclusive); 一级 is the highest risk.
GRADE_BANDS: Final[tuple[tuple[float, int, str], ...]] = (
    (100, 1, "一级"),
    (50, 2, "二级"),
    (10, 3, "三级"),
    (-math.inf, 4, "四级"),
)


@dataclass(frozen=True, slots=True)
class Substance:
    """A hazardous chemical as grading sees it: its critical quantity and what fixes its β.

    ``categories`` are the table-2 categories the substance always has: its Q when it is not in table 1,
    its β (table 4) when table 3 does not name it. ``selectable`` are categories the user may choose
    instead (or must, when ``categories`` is empty): a flammable liquid's category depends on its flash
    point and process conditions, which the catalogue cannot know.
    """

    name: str
    name_en: str
    state: PhysicalState
    cas: tuple[str, ...] = ()
    un: tuple[str, ...] = ()  # only where certain; empty otherwise
    aliases: tuple[str, ...] = ()
    table1_q: float | None = None  # t, GB 18218-2018 table 1
    toxic_gas_beta: float | None = None  # GB 18218-2018 table 3
    categories: tuple[str, ...] = ()
    selectable: tuple[str, ...] = ()
    # Keys (bare name, CAS) that name the chemical but not the table-1 entry, whose Q depends on a
    # concentration: looking one up asks for the full name instead of guessing.
    qualified_only: tuple[str, ...] = ()
    note: str = ""

    @property
    def in_table1(self) -> bool:
        return self.table1_q is not None

    @property
    def category_required(self) -> bool:
        return not self.categories and bool(self.selectable)


_G, _L, _S = PhysicalState.GAS, PhysicalState.LIQUID, PhysicalState.SOLID
# Flammable-liquid categories (GHS): 1 flash point < 23 ℃ and initial boiling point ≤ 35 ℃; 2 flash point
# < 23 ℃ and boiling point > 35 ℃; 3 flash point 23–60 ℃. Stored at ambient conditions a category-1
# liquid is W5.1, category 2 W5.3 and category 3 W5.4; process conditions can make 2 and 3 into W5.1/W5.2.
_FLAMMABLE_LIQUID = ("W5.1", "W5.2", "W5.3", "W5.4")
_AN = ("硝酸铵", "ammonium nitrate", "6484-52-2")
_NITRIC = ("硝酸", "nitric acid", "7697-37-2")

SUBSTANCES: Final[tuple[Substance, ...]] = (
    # --- Table 1, toxic gases named in table 3 (β from table 3) --------------------------------------
    Substance("氨", "ammonia", _G, ("7664-41-7",), ("1005",), ("液氨", "氨气", "无水氨"),
              table1_q=10, toxic_gas_beta=2),
    Substance("氯", "chlorine", _G, ("7782-50-5",), ("1017",), ("氯气", "液氯"), table1_q=5, toxic_gas_beta=4),
    Substance("光气", "phosgene", _G, ("75-44-5",), ("1076",), ("碳酰氯", "carbonyl dichloride"),
              table1_q=0.3, toxic_gas_beta=20),
    Substance("硫化氢", "hydrogen sulfide", _G, ("7783-06-4",), ("1053",), ("hydrogen sulphide",),
              table1_q=5, toxic_gas_beta=5),
    Substance("氯化氢（无水）", "hydrogen chloride (anhydrous)", _G, ("7647-01-0",), ("1050",),
              ("氯化氢", "无水氯化氢", "hydrogen chloride"), table1_q=20, toxic_gas_beta=3),
    Substance("二氧化硫", "sulfur dioxide", _G, ("7446-09-5",), ("1079",), ("sulphur dioxide",),
              table1_q=20, toxic_gas_beta=2),
    Substance("氰化氢", "hydrogen cyanide", _L, ("74-90-8",), ("1051",), ("氢氰酸",),
              table1_q=1, toxic_gas_beta=10),
    Substance("氟化氢", "hydrogen fluoride", _G, ("7664-39-3",), ("1052",), ("无水氟化氢",),
              table1_q=1, toxic_gas_beta=5),
    Substance("异氰酸甲酯", "methyl isocyanate", _L, ("624-83-9",), ("2480",), ("MIC",),
              table1_q=0.75, toxic_gas_beta=20),
    Substance("溴甲烷", "methyl bromide", _G, ("74-83-9",), ("1062",), ("甲基溴", "bromomethane"),
              table1_q=10, toxic_gas_beta=3),
    Substance("环氧乙烷", "ethylene oxide", _G, ("75-21-8",), ("1040",), ("氧化乙烯",),
              table1_q=10, toxic_gas_beta=2),
    # β of 二氧化氮 and 磷化氢 is in DOMAIN.md's table 3; their table-1 Q of 1 t is not in DOMAIN.md (verify).
    Substance("二氧化氮", "nitrogen dioxide", _G, ("10102-44-0",), ("1067",), table1_q=1, toxic_gas_beta=10,
              note="表1临界量 1 t (verify)"),
    Substance("磷化氢", "phosphine", _G, ("7803-51-2",), ("2199",), ("膦",), table1_q=1, toxic_gas_beta=20,
              note="表1临界量 1 t (verify)"),
    # 煤气 is mostly CO, CO+H₂ or CH₄ mixtures: β = 2 as carbon monoxide in table 3 (verify; as a flammable
    # gas alone it would be W2, β 1.5 — the larger is taken).
    Substance("煤气", "coal gas", _G, aliases=("城市煤气", "发生炉煤气", "焦炉煤气", "town gas"),
              table1_q=20, toxic_gas_beta=2, note="β 按一氧化碳取表3的 2 (verify)"),
    # --- Table 1, other substances (β from table 4 by the category named) ----------------------------
    # 甲醛 >90% is a gas: toxic gas category 3 (J3, β 2) and flammable gas (W2, β 1.5) (verify).
    Substance("甲醛（含量>90%）", "formaldehyde (>90%)", _G, ("50-00-0",), table1_q=5, categories=("J3", "W2"),
              qualified_only=("甲醛", "formaldehyde", "50-00-0"), note="危险性类别 J3、W2 (verify)"),
    # 三氧化硫 is corrosive, in no table-2 category: table 4 "others" β 1 (verify).
    Substance("三氧化硫", "sulfur trioxide", _L, ("7446-11-9",), ("1829",), ("sulphur trioxide",),
              table1_q=75, note="仅腐蚀性，β 取表4其他 1 (verify)"),
    # TDI: acute toxicity category 2 by inhalation, a liquid boiling far above 35 ℃ → J5 (verify).
    Substance("甲苯二异氰酸酯", "toluene diisocyanate", _L, ("584-84-9", "91-08-7", "26471-62-5"), ("2078",),
              ("TDI", "甲苯-2,4-二异氰酸酯"), table1_q=100, categories=("J5",), note="危险性类别 J5 (verify)"),
    Substance("丙烯腈", "acrylonitrile", _L, ("107-13-1",), ("1093",), ("2-丙烯腈",), table1_q=50,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    Substance("二硫化碳", "carbon disulfide", _L, ("75-15-0",), ("1131",), ("carbon disulphide",), table1_q=50,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    Substance("氢", "hydrogen", _G, ("1333-74-0",), ("1049", "1966"), ("氢气", "液氢"), table1_q=5,
              categories=("W2",)),
    # The standard's entry covers propane and butane; their CAS numbers here are (verify).
    Substance("液化石油气", "liquefied petroleum gas", _G, ("68476-85-7", "74-98-6", "106-97-8"), ("1075",),
              ("LPG", "丙烷", "丁烷", "propane", "butane"), table1_q=50, categories=("W2",)),
    Substance("甲烷、天然气", "methane, natural gas", _G, ("74-82-8", "8006-14-2"), ("1971", "1972"),
              ("甲烷", "天然气", "液化天然气", "LNG", "CNG", "methane", "natural gas"), table1_q=50,
              categories=("W2",)),
    Substance("乙烯", "ethylene", _G, ("74-85-1",), ("1962", "1038"), ("ethene",), table1_q=50,
              categories=("W2",)),
    Substance("乙炔", "acetylene", _G, ("74-86-2",), ("1001",), ("电石气", "ethyne"), table1_q=1,
              categories=("W2",)),
    Substance("1,3-丁二烯", "1,3-butadiene", _G, ("106-99-0",), ("1010",), ("丁二烯", "butadiene"), table1_q=5,
              categories=("W2",)),
    Substance("二甲醚", "dimethyl ether", _G, ("115-10-6",), ("1033",), ("甲醚", "DME"), table1_q=50,
              categories=("W2",)),
    Substance("氯乙烯", "vinyl chloride", _G, ("75-01-4",), ("1086",), ("VCM", "chloroethene"), table1_q=50,
              categories=("W2",)),
    Substance("环氧丙烷", "propylene oxide", _L, ("75-56-9",), ("1280",), ("1,2-环氧丙烷", "氧化丙烯"),
              table1_q=10, categories=("W5.1",), selectable=_FLAMMABLE_LIQUID),
    Substance("苯", "benzene", _L, ("71-43-2",), ("1114",), table1_q=50, categories=("W5.3",),
              selectable=_FLAMMABLE_LIQUID),
    Substance("甲苯", "toluene", _L, ("108-88-3",), ("1294",), table1_q=500, categories=("W5.3",),
              selectable=_FLAMMABLE_LIQUID),
    Substance("苯乙烯", "styrene", _L, ("100-42-5",), ("2055",), ("styrene monomer",), table1_q=500,
              categories=("W5.4",), selectable=_FLAMMABLE_LIQUID),
    Substance("甲醇", "methanol", _L, ("67-56-1",), ("1230",), ("木醇", "methyl alcohol"), table1_q=500,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    Substance("乙醇", "ethanol", _L, ("64-17-5",), ("1170",), ("酒精", "无水乙醇", "ethyl alcohol"), table1_q=500,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    # Motor gasoline's initial boiling point is usually ≤ 35 ℃: category 1 → W5.1, β 1.5 (verify);
    # choose W5.3 for a gasoline tested as category 2.
    Substance("汽油", "gasoline", _L, ("86290-81-5",), ("1203",), ("乙醇汽油", "甲醇汽油", "petrol"),
              table1_q=200, categories=("W5.1",), selectable=_FLAMMABLE_LIQUID,
              note="默认易燃液体类别1（W5.1）(verify)"),
    Substance("丙酮", "acetone", _L, ("67-64-1",), ("1090",), table1_q=500, categories=("W5.3",),
              selectable=_FLAMMABLE_LIQUID),
    Substance("乙醚", "diethyl ether", _L, ("60-29-7",), ("1155",), ("二乙醚", "ether"), table1_q=10,
              categories=("W5.1",), selectable=_FLAMMABLE_LIQUID),
    Substance("环己烷", "cyclohexane", _L, ("110-82-7",), ("1145",), table1_q=500, categories=("W5.3",),
              selectable=_FLAMMABLE_LIQUID),
    Substance("正己烷", "n-hexane", _L, ("110-54-3",), ("1208",), ("己烷", "hexane"), table1_q=500,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    Substance("乙酸乙酯", "ethyl acetate", _L, ("141-78-6",), ("1173",), ("醋酸乙酯",), table1_q=500,
              categories=("W5.3",), selectable=_FLAMMABLE_LIQUID),
    Substance("氧（压缩的或液化的）", "oxygen (compressed or liquefied)", _G, ("7782-44-7",), ("1072", "1073"),
              ("氧", "氧气", "液氧", "oxygen"), table1_q=200, categories=("W4",)),
    # Ammonium nitrate: three entries share one CAS number, so "硝酸铵" or its CAS alone is ambiguous.
    # Categories: > 0.2 % combustibles is an explosive (W1.1), the others oxidising solids (W9.2) (verify).
    # Oxidisers: W9.1 for category 1 (chlorates, red fuming nitric acid), W9.2 for categories 2–3 (verify);
    # β is 1 either way and their Q comes from table 1, so only the label depends on it.
    Substance("硝酸铵（含可燃物>0.2%）", "ammonium nitrate (>0.2% combustible)", _S, ("6484-52-2",), ("0222",),
              qualified_only=_AN, table1_q=5, categories=("W1.1",), note="危险性类别 W1.1 (verify)"),
    Substance("硝酸铵（含可燃物≤0.2%）", "ammonium nitrate (≤0.2% combustible)", _S, ("6484-52-2",), ("1942",),
              qualified_only=_AN, table1_q=50, categories=("W9.2",), note="危险性类别 W9.2 (verify)"),
    Substance("硝酸铵肥料", "ammonium nitrate fertiliser", _S, un=("2067",), aliases=("硝铵肥料",), table1_q=200,
              categories=("W9.2",), note="危险性类别 W9.2 (verify)"),
    Substance("硝酸钾", "potassium nitrate", _S, ("7757-79-1",), ("1486",), ("硝石",), table1_q=1000,
              categories=("W9.2",), note="危险性类别 W9.2 (verify)"),
    Substance("电石", "calcium carbide", _S, ("75-20-7",), ("1402",), ("碳化钙",), table1_q=100,
              categories=("W11",)),
    Substance("钠", "sodium", _S, ("7440-23-5",), ("1428",), ("金属钠",), table1_q=10, categories=("W11",)),
    Substance("钾", "potassium", _S, ("7440-09-7",), ("2257",), ("金属钾",), table1_q=1, categories=("W11",)),
    Substance("发烟硝酸", "fuming nitric acid", _L, ("52583-42-3",), ("2032",), ("红色发烟硝酸",), table1_q=20,
              categories=("W9.1",), qualified_only=_NITRIC, note="CAS 及危险性类别 W9.1 (verify)"),
    Substance("硝酸（含硝酸>70%）", "nitric acid (>70%)", _L, ("7697-37-2",), ("2031",), ("浓硝酸",),
              table1_q=100, categories=("W9.2",), qualified_only=_NITRIC, note="危险性类别 W9.2 (verify)"),
    Substance("氯酸钾", "potassium chlorate", _S, ("3811-04-9",), ("1485",), table1_q=100, categories=("W9.1",)),
    Substance("氯酸钠", "sodium chlorate", _S, ("7775-09-9",), ("1495",), table1_q=100, categories=("W9.1",)),
    Substance("硝化甘油", "nitroglycerin", _L, ("55-63-0",), aliases=("硝酸甘油", "nitroglycerine"), table1_q=1,
              categories=("W1.1",)),
    Substance("2,4,6-三硝基甲苯", "2,4,6-trinitrotoluene", _S, ("118-96-7",), ("0209",), ("TNT", "三硝基甲苯"),
              table1_q=5, categories=("W1.1",)),
    Substance("硝酸胍", "guanidine nitrate", _S, ("506-93-4",), ("1467",), table1_q=50, categories=("W9.2",),
              note="危险性类别 W9.2 (verify)"),
    # --- Not in table 1: Q by table 2 -----------------------------------------------------------------
    Substance("丙烯", "propylene", _G, ("115-07-1",), ("1077",), ("propene",), categories=("W2",)),
    # Carbon monoxide: flammable gas (W2, 10 t) and toxic gas category 3 (J3, 50 t): the smaller Q, 10 t
    # (verify); β 2 from table 3.
    Substance("一氧化碳", "carbon monoxide", _G, ("630-08-0",), ("1016",), ("CO",), toxic_gas_beta=2,
              categories=("W2", "J3"), note="多种危险性取最小临界量 (verify)"),
    # Crude oil's flash point ranges from below 0 ℃ to above 60 ℃: its category is required.
    Substance("原油", "crude oil", _L, ("8002-05-9",), ("1267",), ("石油", "petroleum crude oil", "petroleum"),
              selectable=_FLAMMABLE_LIQUID, note="闪点决定易燃液体类别"),
    # Diesel is a hazardous chemical only with a closed-cup flash point ≤ 60 ℃ (it is at least 45 ℃ by its
    # product standard): category 3 → W5.4 at ambient conditions; choose W5.1 or W5.2 for process conditions.
    Substance("柴油", "diesel fuel", _L, ("68334-30-5",), ("1202",), ("diesel", "轻柴油"), categories=("W5.4",),
              selectable=("W5.1", "W5.2", "W5.4"), note="闭杯闪点≤60℃，默认易燃液体类别3（W5.4）"),
)


# --- lookup ----------------------------------------------------------------------------------------
class UnknownSubstance(LookupError):
    """No catalogue entry has this name, alias or CAS number."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"未知危险化学品“{ref}”：请填写 GB 18218-2018 表1名称、别名、英文名或 CAS 号")


class AmbiguousSubstance(LookupError):
    """The reference does not say which entry: 硝酸铵 or its CAS number, 甲醛 without its concentration."""

    def __init__(self, ref: str, candidates: tuple[Substance, ...]) -> None:
        self.ref = ref
        self.candidates = candidates
        names = "、".join(f"“{s.name}”" for s in candidates)
        super().__init__(f"“{ref}”不能确定表1条目（临界量取决于含量或形态）：请填写{names}")


class UnknownCategory(ValueError):
    """Not a GB 18218-2018 table-2 category code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"“{code}”不是 GB 18218-2018 表2 的危险性类别（J1～J5、W1.1～W11）")


def normalize_key(text: str) -> str:
    """Full-width to half-width, case-folded, without spaces: 「Ｃａｒｂｏｎ（ ）」 == "carbon()"."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def normalize_category(code: str) -> str:
    """The table-2 code as written in the standard ("w5.3 " → "W5.3").

    :raises UnknownCategory: not a table-2 category.
    """
    norm = unicodedata.normalize("NFKC", code).strip().upper()
    if norm not in CATEGORIES:
        raise UnknownCategory(code.strip())
    return norm


def _keys(substance: Substance) -> set[str]:
    return {normalize_key(k) for k in (substance.name, substance.name_en, *substance.aliases, *substance.cas,
                                       *substance.qualified_only)}


class Catalogue:
    """A set of entries with their lookup index: the standard's (:data:`STANDARD`) or the standard's plus
    users' entries, built by the caller from its own storage and passed to grading (which stays pure)."""

    __slots__ = ("entries", "_index")

    def __init__(self, entries: tuple[Substance, ...]) -> None:
        self.entries = entries
        index: dict[str, tuple[tuple[Substance, bool], ...]] = {}  # key → (entry, the key alone identifies it)
        for substance in entries:
            partial = {normalize_key(k) for k in substance.qualified_only}
            for key in _keys(substance):
                index[key] = (*index.get(key, ()), (substance, key not in partial))
        self._index = index

    def find(self, ref: str) -> Substance:
        """The entry for a Chinese name, alias, English name (any case) or CAS number.

        :raises UnknownSubstance: nothing matches.
        :raises AmbiguousSubstance: the reference fits several entries, or one only at some concentration
            (the message names the entries to choose from).
        """
        matches = self._index.get(normalize_key(ref), ())
        if not matches:
            raise UnknownSubstance(ref.strip())
        if len(matches) > 1 or not matches[0][1]:
            raise AmbiguousSubstance(ref.strip(), tuple(s for s, _ in matches))
        return matches[0][0]

    def taken(self, key: str) -> tuple[Substance, ...]:
        """The entries a name, alias or CAS number already leads to (to refuse a clashing new entry)."""
        return tuple(s for s, _ in self._index.get(normalize_key(key), ()))

    def search(self, query: str) -> list[Substance]:
        """Entries whose name, alias, English name, CAS or UN number contains the query (all when empty).

        Exact matches come first, then keys starting with the query, then the rest, each in catalogue order.
        """
        needle = normalize_key(query)
        if not needle:
            return list(self.entries)
        ranked: list[tuple[int, int, Substance]] = []
        for order, substance in enumerate(self.entries):
            keys = (*_keys(substance), *substance.un)
            if any(needle in key for key in keys):
                rank = 0 if needle in keys else 1 if any(key.startswith(needle) for key in keys) else 2
                ranked.append((rank, order, substance))
        return [substance for _, _, substance in sorted(ranked, key=lambda item: item[:2])]


STANDARD: Final[Catalogue] = Catalogue(SUBSTANCES)


def find_substance(ref: str) -> Substance:
    """The standard catalogue's entry for a name, alias, English name or CAS number (see Catalogue.find)."""
    return STANDARD.find(ref)


def search_substances(query: str) -> list[Substance]:
    """The standard catalogue's entries matching the query (see Catalogue.search)."""
    return STANDARD.search(query)
