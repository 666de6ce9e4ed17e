"""Standard tables for emergency command, with each one's source beside it (pure, no Django).

Sources: 国务院令第493号《生产安全事故报告和调查处理条例》 (2007) for incident levels and reporting;
Pasquill (1961) / Turner (1970) for stability classes; Briggs (1973) for plume sigmas; CCPS *Guidelines
for Consequence Analysis of Chemical Releases* (1999) for puff sigmas. See ../shared/DOMAIN.md §8–9.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

# --- 国务院令第493号 第三条: incident levels ----------------------------------------------------------
# "以上" includes the figure itself, "以下" does not (第三条第二款): 30 deaths is 特别重大, 29 is 重大.


@dataclass(frozen=True)
class LevelThreshold:
    """The smallest figures that put an incident at this level; any one of them is enough."""

    level: str  # 特别重大 / 重大 / 较大 / 一般
    response: str  # national response grade I–IV
    deaths: int
    serious_injuries: int  # including acute industrial poisoning
    direct_loss_yuan: int


# Highest first: the first level any criterion reaches is the incident's level. 一般 is the floor.
INCIDENT_LEVELS: Final[tuple[LevelThreshold, ...]] = (
    LevelThreshold("特别重大", "I", deaths=30, serious_injuries=100, direct_loss_yuan=100_000_000),
    LevelThreshold("重大", "II", deaths=10, serious_injuries=50, direct_loss_yuan=50_000_000),
    LevelThreshold("较大", "III", deaths=3, serious_injuries=10, direct_loss_yuan=10_000_000),
    LevelThreshold("一般", "IV", deaths=0, serious_injuries=0, direct_loss_yuan=0),
)

# Criterion field -> Chinese label and unit, in the order the regulation lists them.
CRITERIA: Final[dict[str, tuple[str, str]]] = {
    "deaths": ("死亡", "人"),
    "serious_injuries": ("重伤（含急性工业中毒）", "人"),
    "direct_loss_yuan": ("直接经济损失", "元"),
}

# --- 国务院令第493号 第九至十三条: reporting ---------------------------------------------------------
# 第九条: the unit's principal reports to the county regulator within 1 hour of learning of it.
UNIT_REPORT_WITHIN: Final[timedelta] = timedelta(hours=1)
# 第十一条: each level of regulator escalates within 2 hours. (verify) — kept a parameter of
# classification.reporting_chain, and overridable by the YINGJI_REPORT_ESCALATION_HOURS setting.
ESCALATION_WITHIN: Final[timedelta] = timedelta(hours=2)
# 第十条: how far up the chain each level is reported (县 -> 设区的市 -> 省 -> 国务院).
REPORTED_UP_TO: Final[dict[str, str]] = {
    "特别重大": "国务院安全生产监督管理部门",
    "重大": "国务院安全生产监督管理部门",
    "较大": "省级安全生产监督管理部门",
    "一般": "设区的市级安全生产监督管理部门",
}
ESCALATION_LADDER: Final[tuple[str, ...]] = (
    "县级安全生产监督管理部门",
    "设区的市级安全生产监督管理部门",
    "省级安全生产监督管理部门",
    "国务院安全生产监督管理部门",
)
# 第十三条: casualty changes are reported within 30 days (7 days for road-traffic and fire accidents).
CASUALTY_REVISION_WITHIN: Final[timedelta] = timedelta(days=30)
CASUALTY_REVISION_WITHIN_ROAD_OR_FIRE: Final[timedelta] = timedelta(days=7)

# --- Pasquill–Gifford stability class (Pasquill 1961, as tabulated by Turner 1970) -------------------
STABILITY_CLASSES: Final[tuple[str, ...]] = ("A", "B", "C", "D", "E", "F")
INSOLATION: Final[tuple[str, ...]] = ("strong", "moderate", "slight")
OVERCAST: Final[str] = "overcast"  # daytime insolation value for a fully overcast sky -> D
OVERCAST_EIGHTHS: Final[int] = 8  # night cloud cover that counts as overcast -> D
# Night columns: "thinly overcast or ≥ 4/8 low cloud" and "≤ 3/8 cloud". DOMAIN writes "> 4/8"; Pasquill's
# original puts exactly 4/8 in the cloudy column, which is what this table does. (verify)
NIGHT_CLOUDY_FROM_EIGHTHS: Final[int] = 4

# Wind bands on the 10 m wind (m/s): < 2, 2–3, 3–5, 5–6, > 6. A band's lower figure belongs to it (2.0 is
# "2–3", 5.0 is "5–6"); 6.0 itself stays in "5–6" because the last band reads "> 6". Band upper edges:
WIND_BAND_EDGES_M_S: Final[tuple[float, ...]] = (2.0, 3.0, 5.0, 6.0)
# Rows by wind band; columns: day strong, moderate, slight sun; night cloudy (≥ 4/8), clear (≤ 3/8).
STABILITY_TABLE: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    ("A", "A-B", "B", "E", "F"),  # < 2
    ("A-B", "B", "C", "E", "F"),  # 2–3
    ("B", "B-C", "C", "D", "E"),  # 3–5
    ("C", "C-D", "D", "D", "D"),  # 5–6
    ("C", "D", "D", "D", "D"),  # > 6
)

# --- Briggs (1973) plume sigmas: σ = a·x·(1 + b·x)^p, x in m, valid ≈ 100 m – 10 km -----------------
# Each entry: (a, b, p) for σy, then for σz.
Sigma = tuple[float, float, float]
BRIGGS_RURAL: Final[dict[str, tuple[Sigma, Sigma]]] = {
    "A": ((0.22, 0.0001, -0.5), (0.20, 0.0, 0.0)),
    "B": ((0.16, 0.0001, -0.5), (0.12, 0.0, 0.0)),
    "C": ((0.11, 0.0001, -0.5), (0.08, 0.0002, -0.5)),
    "D": ((0.08, 0.0001, -0.5), (0.06, 0.0015, -0.5)),
    "E": ((0.06, 0.0001, -0.5), (0.03, 0.0003, -1.0)),
    "F": ((0.04, 0.0001, -0.5), (0.016, 0.0003, -1.0)),
}
# Briggs urban curves come in four groups: A–B, C, D, E–F.
_URBAN_AB: Final[tuple[Sigma, Sigma]] = ((0.32, 0.0004, -0.5), (0.24, 0.001, 0.5))
_URBAN_EF: Final[tuple[Sigma, Sigma]] = ((0.11, 0.0004, -0.5), (0.08, 0.0015, -0.5))
BRIGGS_URBAN: Final[dict[str, tuple[Sigma, Sigma]]] = {
    "A": _URBAN_AB,
    "B": _URBAN_AB,
    "C": ((0.22, 0.0004, -0.5), (0.20, 0.0, 0.0)),
    "D": ((0.16, 0.0004, -0.5), (0.14, 0.0003, -0.5)),
    "E": _URBAN_EF,
    "F": _URBAN_EF,
}
TERRAINS: Final[tuple[str, ...]] = ("rural", "urban")

# --- CCPS (1999) puff sigmas: σ = a·x^p on the puff's travel distance x = u·t; σx = σy ---------------
CCPS_PUFF: Final[dict[str, tuple[tuple[float, float], tuple[float, float]]]] = {
    "A": ((0.18, 0.92), (0.60, 0.75)),
    "B": ((0.14, 0.92), (0.53, 0.73)),
    "C": ((0.10, 0.92), (0.34, 0.71)),
    "D": ((0.06, 0.92), (0.15, 0.70)),
    "E": ((0.04, 0.92), (0.10, 0.65)),
    "F": ((0.02, 0.89), (0.05, 0.61)),
}

# --- Stated limits of the Gaussian models (DOMAIN §9, as ALOHA states them) --------------------------
MIN_RELIABLE_DISTANCE_M: Final[float] = 100.0
MAX_RELIABLE_DISTANCE_M: Final[float] = 10_000.0
MIN_RELIABLE_WIND_M_S: Final[float] = 1.0
MAX_RELIABLE_TIME_S: Final[float] = 3600.0

# Molar volume of an ideal gas at 25 °C and 101.325 kPa, L/mol: mg/m³ = ppm · M / 24.45.
MOLAR_VOLUME_25C_L: Final[float] = 24.45
