"""The catalogue's properties agree with the threat-zone table of yingji.command.toxicity and name a source."""

from __future__ import annotations

import importlib

import pytest

from yingji.command.toxicity import CHEMICALS
from yingji.hazmat.properties import ENTRY_SOURCES, PROPERTIES, SOURCES
from yingji.hazmat.substances import SUBSTANCES, find_substance


def test_every_key_is_a_catalogue_entry() -> None:
    names = {s.name for s in SUBSTANCES}
    assert set(PROPERTIES) <= names


def test_threat_zone_chemicals_agree_with_the_catalogue() -> None:
    checked = 0
    for chemical in CHEMICALS:
        entry = find_substance(chemical.cas) if chemical.cas != "74-98-6" else None  # propane is LPG's 2nd CAS
        if entry is None or entry.cas[0] != chemical.cas:
            continue
        props = PROPERTIES[entry.name]
        assert props.molar_mass_g_mol == chemical.molar_mass_g_mol, entry.name
        if chemical.aegl_60min_ppm is not None:
            assert props.aegl_ppm == chemical.aegl_60min_ppm, entry.name
        if chemical.lel_percent is not None:
            assert props.lel_percent == chemical.lel_percent, entry.name
        checked += 1
    assert checked == 7  # chlorine, ammonia, H₂S, benzene, HF, methane, hydrogen


def test_sources_cover_every_kind_of_figure() -> None:
    assert set(SOURCES) == {"molar_mass_g_mol", "lel_percent", "uel_percent", "flash_point_c", "aegl", "erpg",
                            "idlh_ppm", "oel", "pac"}
    for props in PROPERTIES.values():
        if props.lel_percent is not None and props.uel_percent is not None:
            assert props.lel_percent < props.uel_percent
        for levels in (props.aegl_ppm, props.erpg_ppm, props.pac):
            given = [v for v in levels or () if v is not None]
            assert given == sorted(given)


def test_the_pac_migration_froze_the_same_figures() -> None:
    frozen = {**importlib.import_module("yingji.hazmat.migrations.0005_chemical_pac_values").PAC_REV29_PPM,
              **importlib.import_module("yingji.hazmat.migrations.0007_more_pac_values").PAC_REV29_PPM}
    assert frozen == {name: p.pac for name, p in PROPERTIES.items() if p.pac is not None}
    methane = next(c for c in CHEMICALS if c.name_en == "methane")
    assert methane.pac_ppm == PROPERTIES["甲烷、天然气"].pac  # the threat-zone table keeps in step


# Every AEGL and ERPG the table holds, 60-min AEGL-1/2/3 (None = NR) and ERPG-1/2/3 in ppm, with where the
# expected figure was checked. "(verify)": not re-read in a stored copy of its source this pass. The PAC rows
# were read in HAZEL's copy of the Rev. 29 workbook, where PAC-n is the 60-min AEGL-n if one exists.
FINAL_AEGLS = "U.S. EPA Final AEGLs (162), 2014-10-03"
PAC29 = "DOE PAC Rev. 29 workbook (kociembadamian/HAZEL data/chemicals.json)"
EXPECTED_60_MIN = [
    ("氯", (0.5, 2.0, 20.0), (1, 3, 20), f"{PAC29}: PAC 0.5/2/20"),
    ("氨", (30.0, 160.0, 1100.0), (25, 150, 1500), f"{PAC29}: PAC 30/160/1100"),
    ("硫化氢", (0.51, 27.0, 50.0), (0.1, 30, 100), f"{PAC29}: PAC 0.51/27/50"),
    ("氟化氢", (1.0, 24.0, 44.0), (2, 20, 50), f"{PAC29}: PAC 1/24/44"),
    ("光气", (None, 0.30, 0.75), (None, 0.5, 1.5), f"{FINAL_AEGLS} (verify)"),
    ("氯化氢（无水）", (1.8, 22, 100), (3, 20, 150), f"{PAC29}: PAC 1.8/22/100"),
    ("二氧化硫", (0.20, 0.75, 30), (0.3, 3, 25), f"{FINAL_AEGLS} (verify)"),
    ("氰化氢", (2.0, 7.1, 15), (None, 10, 25), f"{PAC29}: PAC 2.0/7.1/15; AEGL-1 was the 8 h 1.0"),
    ("环氧乙烷", (None, 45, 200), (None, 50, 500), f"{PAC29}: PAC-2/3 45/200; was 4 h/8 h 14/35"),
    ("二氧化氮", (0.50, 12, 20), (1, 15, 30), f"{FINAL_AEGLS} (verify)"),
    ("磷化氢", (None, 2.0, 3.6), (None, 0.5, 5), f"{FINAL_AEGLS} (verify)"),
    ("一氧化碳", (None, 83, 330), (200, 350, 500), f"{PAC29}: PAC-2/3 83/330 (PAC-1 75 is not an AEGL)"),
    ("苯", (52.0, 800.0, 4000.0), (50, 150, 1000), "AEGL = DOMAIN §9 and command.toxicity (verify)"),
    ("甲苯", None, (50, 300, 1000), "AIHA ERPG (verify); no final 60-min AEGL taken"),
    ("甲醇", (530, 2100, 7200), (200, 1000, 5000), f"{PAC29}: PAC-1/2/3 = AEGL"),
    ("苯乙烯", None, (50, 250, 1000), "AIHA ERPG (verify); no final 60-min AEGL taken"),
    ("丙烯腈", (0.15, 1.7, 28), (10, 35, 75), f"{PAC29}: PAC 0.15/1.7/28; was ERPG only"),
    ("二硫化碳", (13, 160, 480), (1, 50, 500), f"{PAC29}: PAC 13/160/480; was ERPG only"),
]


@pytest.mark.parametrize(("name", "aegl", "erpg", "source"), EXPECTED_60_MIN, ids=[c[0] for c in EXPECTED_60_MIN])
def test_aegl_and_erpg_are_the_60_minute_figures(name: str, aegl: object, erpg: object, source: str) -> None:
    assert PROPERTIES[name].aegl_ppm == aegl, source
    assert PROPERTIES[name].erpg_ppm == erpg, source


def test_the_table_lists_every_entry_with_an_aegl_or_erpg() -> None:
    held = {name for name, p in PROPERTIES.items() if p.aegl_ppm is not None or p.erpg_ppm is not None}
    assert held == {c[0] for c in EXPECTED_60_MIN}


def test_corrected_entries_name_their_own_source() -> None:
    for name in ("环氧乙烷", "二硫化碳", "丙烯腈", "氰化氢"):
        assert "60 分钟" in ENTRY_SOURCES[name]["aegl"] and "(verify)" in ENTRY_SOURCES[name]["aegl"]
    frozen = importlib.import_module("yingji.hazmat.migrations.0006_correct_aegl_60min_values").CORRECTIONS
    assert {name: (new, source) for name, (_old, new, source) in frozen.items()} == {
        name: (PROPERTIES[name].aegl_ppm, ENTRY_SOURCES[name]["aegl"]) for name in frozen}
