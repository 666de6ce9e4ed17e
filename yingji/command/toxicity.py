"""Levels of concern for threat zones: 60-min AEGLs and lower explosive limits, as data (pure, no Django).

Toxic zones (DOMAIN §9, as NOAA ALOHA draws them): red where the ground concentration reaches AEGL-3,
orange AEGL-2, yellow AEGL-1, all for a 60-minute exposure. Source: U.S. EPA, Acute Exposure Guideline
Levels for Airborne Chemicals (AEGL Program), final/interim values tables — each figure below is DOMAIN's
and is marked **(verify)** against the EPA tables. Where a tier has no AEGL (not tabulated, or "NR"), the
zone falls back to the same tier's AIHA ERPG (as ALOHA does), from the hazmat catalogue's property table
(`yingji.hazmat.properties`), and says so in the threshold's source; where neither exists, the same tier's
U.S. DOE PAC (Protective Action Criteria, Rev. 29: PAC-n is the AEGL-n, else the ERPG-n, else the TEEL-n) from the
same table. The order per tier is AEGL → ERPG → PAC; a tier with none of them is not drawn, and a chemical with
none at all gets no toxic zones.

Flammable zones (ALOHA's defaults): red at 60 % of the lower explosive limit (flame pockets possible in a
fluctuating plume), yellow at 10 % LEL. LEL values are offered only for a few gases whose figure is
well established (NIOSH Pocket Guide / CRC Handbook), each marked **(verify)**; IEC 60079-20-1 lists
somewhat lower figures for methane (4.4 %) and propane (1.7 %), which would give larger zones.

Molar masses (g/mol, IUPAC atomic weights) convert ppm ↔ mg/m³ at 25 °C: mg/m³ = ppm · M / 24.45.

Chemicals are found by CAS number, English or Chinese name, or through the hazmat catalogue
(yingji.hazmat.substances), whose aliases (液氯, 氢气, 天然气 …) lead to the entry's first CAS number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from yingji.hazmat.properties import PROPERTIES
from yingji.hazmat.substances import AmbiguousSubstance, Substance, UnknownSubstance, find_substance, normalize_key

from .constants import MOLAR_VOLUME_25C_L

__all__ = [
    "AEGL_SOURCE",
    "ERPG_SOURCE",
    "PAC_SOURCE",
    "LEL_SOURCE",
    "AIR_MOLAR_MASS_G_MOL",
    "CHEMICALS",
    "HAZARDS",
    "Chemical",
    "Threshold",
    "UnknownChemical",
    "NoThresholds",
    "find_chemical",
    "thresholds",
]

AEGL_SOURCE: Final[str] = "U.S. EPA AEGL 60 分钟值（Acute Exposure Guideline Levels for Airborne Chemicals）(verify)"
LEL_SOURCE: Final[str] = "爆炸下限 LEL：NIOSH Pocket Guide to Chemical Hazards (verify)"
ERPG_SOURCE: Final[str] = "AIHA ERPG 应急响应计划指南值（该级无 AEGL，按 ALOHA 的次序改用 ERPG）(verify)"
PAC_SOURCE: Final[str] = ("U.S. DOE PAC Rev. 29（2016）保护行动标准（该级无 AEGL、ERPG，按 AEGL → ERPG → PAC 的次序"
                          "改用 PAC；PAC 取 AEGL、ERPG 或 TEEL）(verify)")
# Mean molar mass of dry air, g/mol: a gas heavier than this forms a dense cloud when released in bulk.
AIR_MOLAR_MASS_G_MOL: Final[float] = 28.96
HAZARDS: Final[tuple[str, ...]] = ("toxic", "flammable")


@dataclass(frozen=True, slots=True)
class Chemical:
    """What a threat zone needs to know of one chemical."""

    cas: str
    name: str
    name_en: str
    molar_mass_g_mol: float
    aegl_60min_ppm: tuple[float | None, float | None, float | None] | None = None  # AEGL-1/2/3 (verify)
    lel_percent: float | None = None  # lower explosive limit, % by volume in air (verify)
    aliases: tuple[str, ...] = ()
    erpg_ppm: tuple[float | None, float | None, float | None] | None = None  # ERPG-1/2/3, the fall-back
    pac_ppm: tuple[float | None, float | None, float | None] | None = None  # DOE PAC-1/2/3, the last fall-back

    @property
    def denser_than_air(self) -> bool:
        return self.molar_mass_g_mol > AIR_MOLAR_MASS_G_MOL


CHEMICALS: Final[tuple[Chemical, ...]] = (
    # 60-min AEGL-1 / -2 / -3 in ppm, DOMAIN §9, to be checked against the EPA tables (verify each row).
    Chemical("7782-50-5", "氯", "chlorine", 70.90, aegl_60min_ppm=(0.5, 2.0, 20.0), aliases=("氯气", "液氯")),
    Chemical("7664-41-7", "氨", "ammonia", 17.03, aegl_60min_ppm=(30.0, 160.0, 1100.0),
             aliases=("氨气", "液氨", "无水氨")),
    Chemical("7783-06-4", "硫化氢", "hydrogen sulfide", 34.08, aegl_60min_ppm=(0.51, 27.0, 50.0),
             aliases=("hydrogen sulphide",)),
    Chemical("71-43-2", "苯", "benzene", 78.11, aegl_60min_ppm=(52.0, 800.0, 4000.0)),
    Chemical("7664-39-3", "氟化氢", "hydrogen fluoride", 20.01, aegl_60min_ppm=(1.0, 24.0, 44.0),
             aliases=("无水氟化氢",)),
    # Lower explosive limits, % by volume (verify). Only flammable zones are offered for these.
    Chemical("74-82-8", "甲烷", "methane", 16.04, lel_percent=5.0, pac_ppm=(2292.0, 25000.0, 150000.0)),
    Chemical("74-98-6", "丙烷", "propane", 44.10, lel_percent=2.1),
    Chemical("1333-74-0", "氢", "hydrogen", 2.016, lel_percent=4.0, aliases=("氢气",)),
)


@dataclass(frozen=True, slots=True)
class Threshold:
    """One zone's level of concern: the ground concentration at and above which the zone is drawn."""

    zone: str  # red | orange | yellow
    level: str  # AEGL-3 … or "60% LEL"
    ppm: float
    mg_m3: float
    source: str


class UnknownChemical(LookupError):
    """Neither this table nor the hazmat catalogue knows the reference."""

    def __init__(self, ref: str, detail: str = "") -> None:
        self.ref = ref
        known = "、".join(c.name for c in CHEMICALS)
        super().__init__(detail or f"未知化学品“{ref}”：请填写中文名、英文名或 CAS 号（已收录：{known}）")


class NoThresholds(LookupError):
    """The chemical is known but has no level of concern for the hazard asked for."""

    def __init__(self, chemical: Chemical | Substance, hazard: str) -> None:
        self.chemical = chemical
        self.hazard = hazard
        known = chemical if isinstance(chemical, Chemical) else None
        if hazard == "toxic":
            hint = "；可用 hazard=flammable 计算可燃区" if known and known.lel_percent else ""
            message = f"“{chemical.name}”没有收录 AEGL、ERPG 或 PAC 值，无法计算毒性威胁区{hint}"
        else:
            toxic = known and (known.aegl_60min_ppm or known.erpg_ppm or known.pac_ppm)
            hint = "；可用 hazard=toxic 计算毒性威胁区" if toxic else ""
            message = f"“{chemical.name}”没有收录爆炸下限（LEL），无法计算可燃区{hint}"
        super().__init__(message)


def _index() -> dict[str, Chemical]:
    index: dict[str, Chemical] = {}
    for chemical in CHEMICALS:
        for key in (chemical.cas, chemical.name, chemical.name_en, *chemical.aliases):
            index[normalize_key(key)] = chemical
    return index


_INDEX: Final[dict[str, Chemical]] = _index()
_BY_CAS: Final[dict[str, Chemical]] = {c.cas: c for c in CHEMICALS}


def find_chemical(ref: str) -> Chemical:
    """The chemical for a CAS number, English or Chinese name, or any name the hazmat catalogue knows.

    Through the catalogue, an entry leads here by its first CAS number (天然气 → 甲烷, 液氯 → 氯); an entry
    known to the catalogue but not here raises NoThresholds, so the message can say what is missing.

    :raises UnknownChemical: nobody knows the reference (or the catalogue finds it ambiguous).
    :raises NoThresholds: the catalogue knows it, but no level of concern is tabulated for it.
    """
    key = normalize_key(ref)
    if not key:
        raise UnknownChemical(ref, "请填写化学品名称或 CAS 号")
    if key in _INDEX:
        return _INDEX[key]
    try:
        substance = find_substance(ref)
    except AmbiguousSubstance as exc:
        raise UnknownChemical(ref, str(exc)) from exc
    except UnknownSubstance as exc:
        raise UnknownChemical(ref.strip()) from exc
    if substance.cas and substance.cas[0] in _BY_CAS:
        return _BY_CAS[substance.cas[0]]
    found = _from_catalogue(substance)
    if found is None:
        raise NoThresholds(substance, "toxic")
    return found


def _pac_ppm(pac: tuple[float | None, ...] | None, unit: str,
             molar_mass: float) -> tuple[float | None, float | None, float | None] | None:
    """PAC-1/2/3 in ppm: a table given in mg/m³ is converted at 25 °C (ppm = mg/m³ · 24.45 / M)."""
    if pac is None:
        return None
    factor = 1.0 if unit == "ppm" else MOLAR_VOLUME_25C_L / molar_mass
    one, two, three = (None if v is None else v * factor for v in pac)
    return one, two, three


def _from_catalogue(substance: Substance) -> Chemical | None:
    """A catalogue entry with a molar mass and some level of concern (AEGL, ERPG, PAC or LEL), as a Chemical."""
    props = PROPERTIES.get(substance.name)
    if props is None or props.molar_mass_g_mol is None:
        return None
    if props.aegl_ppm is None and props.erpg_ppm is None and props.pac is None and props.lel_percent is None:
        return None
    return Chemical(substance.cas[0] if substance.cas else "", substance.name, substance.name_en or "",
                    props.molar_mass_g_mol, aegl_60min_ppm=props.aegl_ppm, lel_percent=props.lel_percent,
                    erpg_ppm=props.erpg_ppm,
                    pac_ppm=_pac_ppm(props.pac, props.pac_unit, props.molar_mass_g_mol))


_TOXIC_ZONES: Final[tuple[tuple[str, int], ...]] = (("red", 2), ("orange", 1), ("yellow", 0))
# ALOHA's flammable levels of concern: fraction of the LEL.
_FLAMMABLE_ZONES: Final[tuple[tuple[str, str, float], ...]] = (("red", "60% LEL", 0.60), ("yellow", "10% LEL", 0.10))


def _first_criterion(chemical: Chemical, i: int) -> tuple[str, float, str] | None:
    """Tier i's (0 = tier 1) level of concern in ppm, in the order AEGL → ERPG → PAC, with its source."""
    for name, levels, source in (("AEGL", chemical.aegl_60min_ppm, AEGL_SOURCE),
                                 ("ERPG", chemical.erpg_ppm, ERPG_SOURCE),
                                 ("PAC", chemical.pac_ppm, PAC_SOURCE)):
        value = levels[i] if levels is not None else None
        if value is not None:
            return name, value, source
    return None


def thresholds(chemical: Chemical, hazard: str = "toxic") -> tuple[Threshold, ...]:
    """The zones' levels of concern, most severe (red) first, in ppm and mg/m³ (25 °C, 1 atm).

    Toxic tiers take the first of AEGL-n, ERPG-n, PAC-n that is tabulated; the level names which (e.g. "PAC-2").

    :raises NoThresholds: no AEGL, ERPG or PAC (toxic) or no LEL (flammable) is tabulated for the chemical.
    :raises ValueError: a hazard other than toxic / flammable.
    """
    if hazard not in HAZARDS:
        raise ValueError(f"危害类型应为 toxic（毒性）或 flammable（可燃）（实际为“{hazard}”）")
    mass = chemical.molar_mass_g_mol
    if hazard == "toxic":
        levels = []
        for zone, i in _TOXIC_ZONES:
            chosen = _first_criterion(chemical, i)
            if chosen is not None:
                name, ppm, source = chosen
                levels.append(Threshold(zone, f"{name}-{i + 1}", ppm, ppm * mass / MOLAR_VOLUME_25C_L, source))
        if not levels:
            raise NoThresholds(chemical, hazard)
        return tuple(levels)
    if chemical.lel_percent is None:
        raise NoThresholds(chemical, hazard)
    lel_ppm = chemical.lel_percent * 10_000.0  # 1 % by volume = 10 000 ppm
    return tuple(Threshold(zone, level, fraction * lel_ppm, fraction * lel_ppm * mass / MOLAR_VOLUME_25C_L, LEL_SOURCE)
                 for zone, level, fraction in _FLAMMABLE_ZONES)
