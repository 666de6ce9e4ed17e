"""The catalogue's properties agree with the threat-zone table of yingji.command.toxicity and name a source."""

from __future__ import annotations

import importlib

from yingji.command.toxicity import CHEMICALS
from yingji.hazmat.properties import PROPERTIES, SOURCES
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
    frozen = importlib.import_module("yingji.hazmat.migrations.0005_chemical_pac_values").PAC_REV29_PPM
    assert frozen == {name: p.pac for name, p in PROPERTIES.items() if p.pac is not None}
    methane = next(c for c in CHEMICALS if c.name_en == "methane")
    assert methane.pac_ppm == PROPERTIES["甲烷、天然气"].pac  # the threat-zone table keeps in step
