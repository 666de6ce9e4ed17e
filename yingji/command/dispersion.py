"""Gaussian dispersion of a toxic release, as NOAA ALOHA models it (pure numpy, no Django).

Continuous point source with ground reflection (Q g/s, wind u m/s, effective height H m)::

    C(x,y,z) = Q/(2π u σy σz) · exp(−y²/2σy²) · [exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)]

Instantaneous puff of mass M g, released t s ago, with σx = σy::

    C = M/((2π)^{3/2} σx σy σz) · exp(−(x−ut)²/2σx²) · exp(−y²/2σy²) · [same vertical terms]

Plume sigmas are Briggs (1973) on the receptor's downwind distance x (rural or urban); puff sigmas are
CCPS (1999) on the puff's travel distance u·t. Stability classes are Pasquill–Gifford from the 10 m wind
and the sky. Concentrations are g/m³; functions take scalars or numpy arrays and broadcast x, y and z.

The models are not reliable below ≈ 100 m or beyond 10 km, in wind under 1 m/s, or more than 60 min after
release: `validity_limits` says so in Chinese, and every point result carries those warnings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .constants import (
    BRIGGS_RURAL,
    BRIGGS_URBAN,
    CCPS_PUFF,
    INSOLATION,
    MAX_RELIABLE_DISTANCE_M,
    MAX_RELIABLE_TIME_S,
    MIN_RELIABLE_DISTANCE_M,
    MIN_RELIABLE_WIND_M_S,
    MOLAR_VOLUME_25C_L,
    NIGHT_CLOUDY_FROM_EIGHTHS,
    OVERCAST,
    OVERCAST_EIGHTHS,
    STABILITY_CLASSES,
    STABILITY_TABLE,
    TERRAINS,
    WIND_BAND_EDGES_M_S,
)

__all__ = [
    "MODELS",
    "PointQuery",
    "PointResult",
    "check_stability_inputs",
    "stability_class",
    "conservative_class",
    "briggs_sigmas",
    "puff_sigmas",
    "plume_concentration",
    "puff_concentration",
    "ppm_to_mg_m3",
    "mg_m3_to_ppm",
    "validity_limits",
    "check_point_query",
    "concentration_at",
]

FloatArray = npt.NDArray[np.float64]
MODELS: tuple[str, ...] = ("plume", "puff")
_TWO_PI_POW_1_5 = (2.0 * math.pi) ** 1.5


# --- stability class ----------------------------------------------------------------------------------
def check_stability_inputs(wind_m_s: float, *, daytime: bool, insolation: str | None = None,
                           cloud_eighths: int | None = None) -> dict[str, str]:
    """Problems with the weather, by field, in Chinese; empty when a class can be read from the table."""
    problems: dict[str, str] = {}
    if not math.isfinite(wind_m_s) or wind_m_s < 0:
        problems["wind_m_s"] = f"风速必须是非负数（实际为 {wind_m_s:g} m/s）"
    allowed = "、".join((*INSOLATION, OVERCAST))
    if daytime:
        if insolation is None:
            problems["insolation"] = f"白天需给出日照强度：{allowed}"
        elif insolation not in (*INSOLATION, OVERCAST):
            problems["insolation"] = f"日照强度应为 {allowed} 之一（实际为“{insolation}”）"
        if cloud_eighths is not None:
            problems["cloud_eighths"] = "白天按日照强度判定，不使用云量（全阴天请用 insolation=overcast）"
    else:
        if cloud_eighths is None:
            problems["cloud_eighths"] = "夜间需给出总云量（0–8 成）"
        elif not 0 <= cloud_eighths <= OVERCAST_EIGHTHS:
            problems["cloud_eighths"] = f"云量应为 0–8 成（实际为 {cloud_eighths}）"
        if insolation is not None:
            problems["insolation"] = "夜间按云量判定，不使用日照强度"
    return problems


def stability_class(wind_m_s: float, *, daytime: bool, insolation: str | None = None,
                    cloud_eighths: int | None = None) -> str:
    """Pasquill–Gifford class from the 10 m wind and the sky: "A"…"F", or a pair such as "A-B".

    Day: insolation strong / moderate / slight, or overcast (→ D). Night: cloud cover in eighths, where
    ≥ 4/8 is the cloudy column, ≤ 3/8 the clear one, and 8/8 (overcast) → D.

    :raises ValueError: the weather is incomplete or out of range (check_stability_inputs names the field).
    """
    problems = check_stability_inputs(wind_m_s, daytime=daytime, insolation=insolation, cloud_eighths=cloud_eighths)
    if problems:
        raise ValueError("；".join(problems.values()))
    if (daytime and insolation == OVERCAST) or (not daytime and cloud_eighths == OVERCAST_EIGHTHS):
        return "D"
    *lower_edges, last_edge = WIND_BAND_EDGES_M_S
    band = sum(wind_m_s >= edge for edge in lower_edges) + (wind_m_s > last_edge)
    if daytime:
        column = INSOLATION.index(insolation or "")
    else:
        column = 3 if (cloud_eighths or 0) >= NIGHT_CLOUDY_FROM_EIGHTHS else 4
    return STABILITY_TABLE[band][column]


def conservative_class(stability: str) -> str:
    """The single class to model with: for a pair such as "A-B", the more stable one ("B").

    The more stable class has the smaller sigmas, so it gives the higher ground concentration downwind of a
    ground-level release — the cautious choice when drawing threat zones.
    """
    return stability.split("-")[-1]


# --- sigmas -------------------------------------------------------------------------------------------
def _positive_distances(x: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if np.any(~np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name}必须大于 0")
    return arr


def _check_class(stability: str) -> None:
    if stability not in STABILITY_CLASSES:
        raise ValueError(f"大气稳定度应为 A–F 之一（实际为“{stability}”）")


def briggs_sigmas(x_m: npt.ArrayLike, stability: str, terrain: str = "rural") -> tuple[FloatArray, FloatArray]:
    """Briggs (1973) plume σy, σz (m) at downwind distance x (m): σ = a·x·(1 + b·x)^p.

    :raises ValueError: a distance ≤ 0, a class outside A–F, or a terrain other than rural / urban.
    """
    _check_class(stability)
    if terrain not in TERRAINS:
        raise ValueError(f"地表类型应为 rural 或 urban（实际为“{terrain}”）")
    x = _positive_distances(x_m, "下风距离")
    (ay, by, py), (az, bz, pz) = (BRIGGS_RURAL if terrain == "rural" else BRIGGS_URBAN)[stability]
    return ay * x * (1.0 + by * x) ** py, az * x * (1.0 + bz * x) ** pz


def puff_sigmas(travel_m: npt.ArrayLike, stability: str) -> tuple[FloatArray, FloatArray]:
    """CCPS puff σy (= σx) and σz (m) at the puff's travel distance u·t (m): σ = a·x^p.

    :raises ValueError: a distance ≤ 0 or a class outside A–F.
    """
    _check_class(stability)
    x = _positive_distances(travel_m, "烟团行进距离")
    (ay, py), (az, pz) = CCPS_PUFF[stability]
    return ay * x**py, az * x**pz


# --- concentrations -----------------------------------------------------------------------------------
def _vertical(z: FloatArray, h_m: float, sigma_z: FloatArray) -> FloatArray:
    """The source and its image below the ground: exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)."""
    two_var = 2.0 * sigma_z**2
    return np.exp(-((z - h_m) ** 2) / two_var) + np.exp(-((z + h_m) ** 2) / two_var)


def plume_concentration(q_g_s: float, u_m_s: float, h_m: float, stability: str, terrain: str,
                        x_m: npt.ArrayLike, y_m: npt.ArrayLike = 0.0, z_m: npt.ArrayLike = 0.0) -> FloatArray:
    """Steady ground-reflected plume concentration (g/m³) at x (> 0), y, z, broadcast over arrays.

    :raises ValueError: a negative rate or height, wind ≤ 0, x ≤ 0, or a bad class or terrain.
    """
    if q_g_s < 0 or h_m < 0 or u_m_s <= 0:
        raise ValueError("泄漏速率和高度不能为负，风速必须大于 0")
    sigma_y, sigma_z = briggs_sigmas(x_m, stability, terrain)
    y = np.asarray(y_m, dtype=np.float64)
    z = np.asarray(z_m, dtype=np.float64)
    lateral = np.exp(-(y**2) / (2.0 * sigma_y**2))
    return q_g_s / (2.0 * math.pi * u_m_s * sigma_y * sigma_z) * lateral * _vertical(z, h_m, sigma_z)


def puff_concentration(mass_g: float, u_m_s: float, h_m: float, stability: str, t_s: float,
                       x_m: npt.ArrayLike, y_m: npt.ArrayLike = 0.0, z_m: npt.ArrayLike = 0.0) -> FloatArray:
    """Ground-reflected puff concentration (g/m³) t seconds after release, at x, y, z; σx = σy.

    :raises ValueError: a negative mass or height, wind ≤ 0, t ≤ 0, or a bad class.
    """
    if mass_g < 0 or h_m < 0 or u_m_s <= 0 or t_s <= 0:
        raise ValueError("泄漏量和高度不能为负，风速和时间必须大于 0")
    sigma_y, sigma_z = puff_sigmas(u_m_s * t_s, stability)
    x = np.asarray(x_m, dtype=np.float64)
    y = np.asarray(y_m, dtype=np.float64)
    z = np.asarray(z_m, dtype=np.float64)
    two_var_y = 2.0 * sigma_y**2
    along = np.exp(-((x - u_m_s * t_s) ** 2) / two_var_y)  # σx = σy
    lateral = np.exp(-(y**2) / two_var_y)
    return mass_g / (_TWO_PI_POW_1_5 * sigma_y * sigma_y * sigma_z) * along * lateral * _vertical(z, h_m, sigma_z)


# --- units --------------------------------------------------------------------------------------------
def ppm_to_mg_m3(ppm: npt.ArrayLike, molar_mass_g_mol: float) -> FloatArray:
    """ppm (by volume) to mg/m³ at 25 °C and 1 atm: ppm · M / 24.45."""
    return np.asarray(ppm, dtype=np.float64) * molar_mass_g_mol / MOLAR_VOLUME_25C_L


def mg_m3_to_ppm(mg_m3: npt.ArrayLike, molar_mass_g_mol: float) -> FloatArray:
    """mg/m³ to ppm (by volume) at 25 °C and 1 atm: mg/m³ · 24.45 / M."""
    return np.asarray(mg_m3, dtype=np.float64) * MOLAR_VOLUME_25C_L / molar_mass_g_mol


# --- limits -------------------------------------------------------------------------------------------
def validity_limits(x_m: npt.ArrayLike, u_m_s: float, t_s: float | None = None) -> list[str]:
    """Where the Gaussian model is outside its stated range, one Chinese sentence each; empty when inside.

    For a puff (t given) the CCPS sigmas are read at the travel distance u·t, which is checked as well.
    """
    x = np.asarray(x_m, dtype=np.float64)
    limits: list[str] = []
    if x.size and float(x.min()) < MIN_RELIABLE_DISTANCE_M:
        limits.append(f"下风距离 {float(x.min()):g} m 小于 100 m：近场扩散参数为外推，结果不可靠")
    if x.size and float(x.max()) > MAX_RELIABLE_DISTANCE_M:
        limits.append(f"下风距离 {float(x.max()):g} m 超过 10 km：超出扩散参数适用范围，结果不可靠")
    if u_m_s < MIN_RELIABLE_WIND_M_S:
        limits.append(f"风速 {u_m_s:g} m/s 低于 1 m/s：静风或小风条件下高斯模型不可靠")
    if t_s is not None:
        if t_s > MAX_RELIABLE_TIME_S:
            limits.append(f"释放后 {t_s / 60:.1f} 分钟超过 60 分钟：风向风速难以保持不变，结果不可靠")
        travel = u_m_s * t_s
        if travel < MIN_RELIABLE_DISTANCE_M:
            limits.append(f"烟团行进距离 u·t = {travel:g} m 小于 100 m：烟团扩散参数为外推，结果不可靠")
        elif travel > MAX_RELIABLE_DISTANCE_M:
            limits.append(f"烟团行进距离 u·t = {travel:g} m 超过 10 km：超出扩散参数适用范围，结果不可靠")
    return limits


# --- one point, as the API asks -----------------------------------------------------------------------
@dataclass(frozen=True)
class PointQuery:
    """A concentration asked for at one receptor: the release, the weather and the point."""

    model: str  # "plume" | "puff"
    u_m_s: float
    stability: str
    x_m: float
    terrain: str = "rural"
    q_g_s: float | None = None  # plume
    mass_g: float | None = None  # puff
    t_s: float | None = None  # puff
    h_m: float = 0.0
    y_m: float = 0.0
    z_m: float = 0.0


@dataclass(frozen=True)
class PointResult:
    concentration_g_m3: float
    sigma_y_m: float
    sigma_z_m: float
    limits: tuple[str, ...]


def _finite(value: float) -> bool:
    return math.isfinite(value)


def check_point_query(query: PointQuery) -> dict[str, str]:
    """Problems with the query, by field, in Chinese; empty when concentration_at can answer it."""
    problems: dict[str, str] = {}
    if query.model not in MODELS:
        problems["model"] = f"模型应为 plume（连续泄漏）或 puff（瞬时泄漏）（实际为“{query.model}”）"
    if query.stability not in STABILITY_CLASSES:
        hint = f"，成对等级请取较稳定者 {conservative_class(query.stability)}" if "-" in query.stability else ""
        problems["stability"] = f"大气稳定度应为 A–F 之一（实际为“{query.stability}”）{hint}"
    if query.terrain not in TERRAINS:
        problems["terrain"] = f"地表类型应为 rural（农村）或 urban（城市）（实际为“{query.terrain}”）"
    if not _finite(query.u_m_s) or query.u_m_s <= 0:
        problems["u_m_s"] = f"风速必须大于 0（实际为 {query.u_m_s:g} m/s）"
    if not _finite(query.x_m) or query.x_m <= 0:
        problems["x_m"] = f"下风距离必须大于 0（实际为 {query.x_m:g} m）"
    if not _finite(query.y_m):
        problems["y_m"] = "横风距离必须是有限的数值"
    for field, value, label in (("h_m", query.h_m, "释放高度"), ("z_m", query.z_m, "接受点高度")):
        if not _finite(value) or value < 0:
            problems[field] = f"{label}不能为负数（实际为 {value:g} m）"

    wanted = {"plume": ("q_g_s",), "puff": ("mass_g", "t_s")}.get(query.model, ())
    for field, given, label in (("q_g_s", query.q_g_s, "泄漏速率 q_g_s（g/s）"),
                                ("mass_g", query.mass_g, "泄漏量 mass_g（g）"),
                                ("t_s", query.t_s, "释放后时间 t_s（s）")):
        if field not in wanted:
            if given is not None and query.model in MODELS:
                name = "连续泄漏（plume）" if query.model == "plume" else "瞬时泄漏（puff）"
                problems[field] = f"{name}模型不使用 {field}"
        elif given is None:
            problems[field] = f"{query.model} 模型需要{label}"
        elif not _finite(given) or given < 0 or (field == "t_s" and given == 0):
            problems[field] = f"{label}{'必须大于 0' if field == 't_s' else '不能为负数'}（实际为 {given:g}）"
    return problems


def concentration_at(query: PointQuery) -> PointResult:
    """The concentration and sigmas at the query's receptor, with the model's limits stated.

    :raises ValueError: the query has problems (check_point_query names them by field).
    """
    problems = check_point_query(query)
    if problems:
        raise ValueError("；".join(problems.values()))
    if query.model == "plume":
        assert query.q_g_s is not None  # checked above
        sigma_y, sigma_z = briggs_sigmas(query.x_m, query.stability, query.terrain)
        conc = plume_concentration(query.q_g_s, query.u_m_s, query.h_m, query.stability, query.terrain,
                                   query.x_m, query.y_m, query.z_m)
        limits = validity_limits(query.x_m, query.u_m_s)
    else:
        assert query.mass_g is not None and query.t_s is not None  # checked above
        sigma_y, sigma_z = puff_sigmas(query.u_m_s * query.t_s, query.stability)
        conc = puff_concentration(query.mass_g, query.u_m_s, query.h_m, query.stability, query.t_s,
                                  query.x_m, query.y_m, query.z_m)
        limits = validity_limits(query.x_m, query.u_m_s, query.t_s)
        if query.terrain == "urban":
            limits.append("烟团扩散参数（CCPS）不区分城市与农村，地表类型 urban 未改变结果")
    return PointResult(float(conc), float(sigma_y), float(sigma_z), tuple(limits))
