"""Physical properties and toxicity thresholds of the catalogue's standard entries, as data (pure Python).

The stored catalogue (``yingji.hazmat.models.Chemical``) is seeded from :data:`yingji.hazmat.substances.SUBSTANCES`
plus this table, keyed by the entry's standard name. Every figure names its source; every figure is
**(verify)** against that source's own table before it is relied on in an inspection or an enforcement.
The AEGL figures and molar masses of the chemicals `yingji.command.toxicity` draws threat zones for are the
same numbers as there (tests/unit/test_hazmat_properties.py keeps the two in step).

Units: molar mass g/mol; LEL/UEL % by volume in air; flash point ℃ (closed cup); AEGL, ERPG and IDLH in ppm;
Chinese occupational exposure limits (GBZ 2.1-2019: PC-TWA, PC-STEL, MAC) in mg/m³; PAC in `pac_unit` (ppm or
mg/m³, as the DOE table gives it).

PAC (U.S. DOE Protective Action Criteria, Rev. 29, 2016) are the last fall-back of the threat zones, for entries
with neither AEGL nor ERPG here. DOE builds each PAC-n from the 60-min AEGL-n, else the ERPG-n, else its own
TEEL-n, so a PAC can equal an AEGL this table does not carry (acetone, 1,3-butadiene, formaldehyde). The
figures were read from the Rev. 29 workbook as published in machine-readable form (kociembadamian/HAZEL,
data/chemicals.json, converted from DOE's PacData.xlsx) and checked where the workbook repeats a figure this
table already has (methanol 530/2100/7200 ppm = AEGL; carbon monoxide AEGL-2/-3 83/330 ppm); every one is
**(verify)** against DOE's own Table 3. The zones take each tier in turn (AEGL-n, else ERPG-n, else PAC-n), so
a PAC also fills a tier the others leave empty: ethylene oxide's yellow zone is its PAC-1 (5 ppm, a TEEL; no
AEGL-1, no ERPG-1). Entries without `pac` were not looked up (sulfur trioxide, TDI, vinyl chloride, propylene
oxide, n-hexane, propylene, hydrogen, LPG, petrol, crude oil) or have no PAC in Rev. 29 (diesel fuels):
their field stays empty.

AEGLs are the 60-minute ones. Ethylene oxide's (NR/45/200) replace 4 h/8 h figures held before; carbon
disulfide (13/160/480) and acrylonitrile (0.15/1.7/28, = its PAC in Rev. 29) now have theirs, so their ERPGs
no longer draw the zones; hydrogen cyanide's AEGL-1 is 2.0 ppm (1.0 was the 8 h figure). `ENTRY_SOURCES` names
where those were checked (migration 0006 corrects old rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["ENTRY_SOURCES", "PROPERTIES", "SOURCES", "Properties"]

# Where each kind of figure comes from (the field names of `Properties` and of the stored Chemical).
SOURCES: Final[dict[str, str]] = {
    "molar_mass_g_mol": "IUPAC 原子量计算",
    "lel_percent": "NIOSH Pocket Guide to Chemical Hazards (verify)",
    "uel_percent": "NIOSH Pocket Guide to Chemical Hazards (verify)",
    "flash_point_c": "NIOSH Pocket Guide / 化学品安全技术说明书（闭杯）(verify)",
    "aegl": "U.S. EPA AEGL 60 分钟值（Acute Exposure Guideline Levels）(verify)",
    "erpg": "AIHA ERPG 应急响应计划指南值 (verify)",
    "idlh_ppm": "NIOSH IDLH 立即威胁生命和健康浓度 (verify)",
    "oel": "GBZ 2.1-2019 工作场所有害因素职业接触限值 第1部分：化学有害因素 (verify)",
    "pac": "U.S. DOE PAC Rev. 29（2016）保护行动标准，60 分钟 PAC-1/2/3 (verify)",
}

# Per entry, where a figure was checked against more than the generic source above (replaces SOURCES[key]).
# DOE makes PAC-n the 60-min AEGL-n where one exists (carbon tetrachloride's PAC-2/3 13/340 = its Final AEGLs).
ENTRY_SOURCES: Final[dict[str, dict[str, str]]] = {
    "环氧乙烷": {"aegl": "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-2/3 45/200 ppm（kociembadamian/HAZEL "
                         "data/chemicals.json）；NRC AEGL 第 9 卷；AEGL-1 NR (verify)"},
    "二硫化碳": {"aegl": "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 13/160/480 ppm（kociembadamian/HAZEL "
                         "data/chemicals.json）；NRC AEGL 第 7 卷 (verify)"},
    "丙烯腈": {"aegl": "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 0.15/1.7/28 ppm（kociembadamian/HAZEL "
                       "data/chemicals.json）；NRC AEGL 第 17 卷 (verify)"},
    "氰化氢": {"aegl": "U.S. EPA AEGL 60 分钟值 = DOE PAC Rev. 29 PAC-1/2/3 2.0/7.1/15 ppm（kociembadamian/HAZEL "
                       "data/chemicals.json）；NRC AEGL 第 2 卷（丙酮氰醇一章沿用同值）(verify)"},
}


@dataclass(frozen=True, slots=True)
class Properties:
    """What the catalogue knows of one entry beyond GB 18218: None where no figure is tabulated."""

    molar_mass_g_mol: float | None = None
    lel_percent: float | None = None
    uel_percent: float | None = None
    flash_point_c: float | None = None
    aegl_ppm: tuple[float | None, float | None, float | None] | None = None  # AEGL-1/2/3, 60 min; None = NR
    erpg_ppm: tuple[float | None, float | None, float | None] | None = None  # ERPG-1/2/3
    idlh_ppm: float | None = None
    pc_twa_mg_m3: float | None = None
    pc_stel_mg_m3: float | None = None
    mac_mg_m3: float | None = None
    pac: tuple[float | None, float | None, float | None] | None = None  # PAC-1/2/3 in pac_unit
    pac_unit: str = "ppm"


P = Properties
# Keyed by the standard name in yingji.hazmat.substances (a name missing here is seeded without properties).
PROPERTIES: Final[dict[str, Properties]] = {
    # Toxic gases. Chlorine, ammonia, H₂S, HF and benzene AEGLs as in yingji.command.toxicity (DOMAIN §9).
    "氯": P(70.90, aegl_ppm=(0.5, 2.0, 20.0), erpg_ppm=(1, 3, 20), idlh_ppm=10, mac_mg_m3=1),
    "氨": P(17.03, 15, 28, aegl_ppm=(30.0, 160.0, 1100.0), erpg_ppm=(25, 150, 1500), idlh_ppm=300,
           pc_twa_mg_m3=20, pc_stel_mg_m3=30),
    "硫化氢": P(34.08, 4.0, 44.0, aegl_ppm=(0.51, 27.0, 50.0), erpg_ppm=(0.1, 30, 100), idlh_ppm=100, mac_mg_m3=10),
    "氟化氢": P(20.01, aegl_ppm=(1.0, 24.0, 44.0), erpg_ppm=(2, 20, 50), idlh_ppm=30, mac_mg_m3=2),
    "光气": P(98.92, aegl_ppm=(None, 0.30, 0.75), erpg_ppm=(None, 0.5, 1.5), idlh_ppm=2, mac_mg_m3=0.5),
    "氯化氢（无水）": P(36.46, aegl_ppm=(1.8, 22, 100), erpg_ppm=(3, 20, 150), idlh_ppm=50, mac_mg_m3=7.5),
    "二氧化硫": P(64.07, aegl_ppm=(0.20, 0.75, 30), erpg_ppm=(0.3, 3, 25), idlh_ppm=100, pc_twa_mg_m3=5,
               pc_stel_mg_m3=10),
    "氰化氢": P(27.03, 5.6, 40.0, -18, aegl_ppm=(2.0, 7.1, 15), erpg_ppm=(None, 10, 25), idlh_ppm=50, mac_mg_m3=1),
    "异氰酸甲酯": P(57.05, 5.3, 26.0, -7, idlh_ppm=3, pc_twa_mg_m3=0.05, pc_stel_mg_m3=0.08, pac=(0.025, 0.067, 0.2)),
    "溴甲烷": P(94.94, 10, 16, idlh_ppm=250, pc_twa_mg_m3=2, pac=(19, 210, 740)),
    "环氧乙烷": P(44.05, 3.0, 100, aegl_ppm=(None, 45, 200), erpg_ppm=(None, 50, 500), idlh_ppm=800, pc_twa_mg_m3=2,
                 pac=(5, 45, 200)),  # PAC-1 (TEEL-1) gives the yellow zone AEGL-1 (NR) and ERPG-1 leave empty
    "二氧化氮": P(46.01, aegl_ppm=(0.50, 12, 20), erpg_ppm=(1, 15, 30), idlh_ppm=20, pc_twa_mg_m3=5,
               pc_stel_mg_m3=10),
    "磷化氢": P(34.00, 1.6, None, aegl_ppm=(None, 2.0, 3.6), erpg_ppm=(None, 0.5, 5), idlh_ppm=50, mac_mg_m3=0.3),
    "一氧化碳": P(28.01, 12.5, 74, aegl_ppm=(None, 83, 330), erpg_ppm=(200, 350, 500), idlh_ppm=1200,
               pc_twa_mg_m3=20, pc_stel_mg_m3=30),
    # Flammable gases. Hydrogen's and methane's LEL as in yingji.command.toxicity.
    "氢": P(2.016, 4.0, 75.0),
    "甲烷、天然气": P(16.04, 5.0, 15.0, pac=(2292, 25000, 150000)),
    "乙烯": P(28.05, 2.7, 36.0, pac=(1000, 11000, 66000)),
    "乙炔": P(26.04, 2.5, 100.0, pac=(65000, 230000, 400000)),
    "1,3-丁二烯": P(54.09, 2.0, 12.0, pc_twa_mg_m3=5, pac=(670, 5300, 22000)),
    "二甲醚": P(46.07, 3.4, 27.0, pac=(500, 1200, 7200)),
    "氯乙烯": P(62.50, 3.6, 33.0, pc_twa_mg_m3=10),
    "丙烯": P(42.08, 2.0, 11.0),
    "液化石油气": P(None, 1.5, 9.5, pc_twa_mg_m3=1000, pc_stel_mg_m3=1500),
    # Flammable liquids.
    "苯": P(78.11, 1.2, 7.8, -11, aegl_ppm=(52.0, 800.0, 4000.0), erpg_ppm=(50, 150, 1000), idlh_ppm=500,
           pc_twa_mg_m3=6, pc_stel_mg_m3=10),
    "甲苯": P(92.14, 1.1, 7.1, 4, erpg_ppm=(50, 300, 1000), idlh_ppm=500, pc_twa_mg_m3=50, pc_stel_mg_m3=100),
    "甲醇": P(32.04, 6.0, 36.0, 11, aegl_ppm=(530, 2100, 7200), erpg_ppm=(200, 1000, 5000), idlh_ppm=6000,
             pc_twa_mg_m3=25, pc_stel_mg_m3=50),
    "乙醇": P(46.07, 3.3, 19.0, 13, idlh_ppm=3300, pac=(1800, 3300, 15000)),
    "丙酮": P(58.08, 2.5, 12.8, -20, idlh_ppm=2500, pc_twa_mg_m3=300, pc_stel_mg_m3=450, pac=(200, 3200, 5700)),
    "汽油": P(None, 1.4, 7.6, -45, pc_twa_mg_m3=300),
    "苯乙烯": P(104.15, 0.9, 6.8, 31, erpg_ppm=(50, 250, 1000), idlh_ppm=700, pc_twa_mg_m3=50, pc_stel_mg_m3=100),
    "环己烷": P(84.16, 1.3, 8.0, -20, idlh_ppm=1300, pc_twa_mg_m3=250, pac=(800, 1700, 10000)),
    "正己烷": P(86.18, 1.1, 7.5, -22, idlh_ppm=1100, pc_twa_mg_m3=100, pc_stel_mg_m3=180),
    "乙酸乙酯": P(88.11, 2.0, 11.5, -4, idlh_ppm=2000, pc_twa_mg_m3=200, pc_stel_mg_m3=300,
               pac=(1200, 1700, 10000)),
    "乙醚": P(74.12, 1.9, 36.0, -45, idlh_ppm=1900, pc_twa_mg_m3=300, pc_stel_mg_m3=500, pac=(500, 3200, 19000)),
    "环氧丙烷": P(58.08, 2.3, 36.0, -37, idlh_ppm=400, pc_twa_mg_m3=5),
    "丙烯腈": P(53.06, 3.0, 17.0, -1, aegl_ppm=(0.15, 1.7, 28), erpg_ppm=(10, 35, 75), idlh_ppm=85, pc_twa_mg_m3=1,
               pc_stel_mg_m3=2),
    "二硫化碳": P(76.14, 1.3, 50.0, -30, aegl_ppm=(13, 160, 480), erpg_ppm=(1, 50, 500), idlh_ppm=500,
                 pc_twa_mg_m3=5, pc_stel_mg_m3=10),
    "柴油": P(None, 0.6, 6.5, 55),
    "原油": P(None, 1.1, 6.0),
    # Others. Formaldehyde's PAC (= its 60-min AEGLs) from DOE PAC Rev. 29; M = 12.011 + 2·1.008 + 15.999.
    "甲醛（含量>90%）": P(30.03, pac=(0.9, 14, 56)),
    "三氧化硫": P(80.06),
    "甲苯二异氰酸酯": P(174.16, 0.9, 9.5, 127, idlh_ppm=2.5, pc_twa_mg_m3=0.1, pc_stel_mg_m3=0.2),
    "氧（压缩的或液化的）": P(32.00),
}
