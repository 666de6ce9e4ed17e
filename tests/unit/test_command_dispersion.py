"""Gaussian plume and puff (DOMAIN §9): sigmas, concentrations, units and limits against hand arithmetic.

The arithmetic is written beside each figure so that a reviewer can check it with a pocket calculator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.command.dispersion import (
    PointQuery,
    briggs_sigmas,
    check_point_query,
    concentration_at,
    mg_m3_to_ppm,
    plume_concentration,
    ppm_to_mg_m3,
    puff_concentration,
    puff_sigmas,
    validity_limits,
)

# --- Briggs (1973) at x = 1000 m ---------------------------------------------------------------------
# Rural σy factor (1 + 0.0001·1000)^-½ = 1.1^-½ = 0.953463; urban σy factor (1 + 0.0004·1000)^-½ = 1.4^-½
# = 0.845154. (The brief quotes D rural σy as 76.27 m: 80·0.953463 = 76.277, i.e. 76.28 to 2 places.)
RURAL_1KM = {
    "A": (209.76, 200.00),  # 220·0.953463;  0.20·1000
    "B": (152.55, 120.00),  # 160·0.953463;  0.12·1000
    "C": (104.88, 73.03),  # 110·0.953463;  80·1.2^-½ = 80·0.912871
    "D": (76.28, 37.95),  # 80·0.953463;  60·2.5^-½ = 60·0.632456
    "E": (57.21, 23.08),  # 60·0.953463;  30·1.3^-1
    "F": (38.14, 12.31),  # 40·0.953463;  16·1.3^-1
}
URBAN_1KM = {
    "A": (270.45, 339.41),  # A–B: 320·0.845154;  240·2^½ = 240·1.414214
    "B": (270.45, 339.41),
    "C": (185.93, 200.00),  # 220·0.845154;  0.20·1000
    "D": (135.22, 122.79),  # 160·0.845154;  140·1.3^-½ = 140·0.877058
    "E": (92.97, 50.60),  # E–F: 110·0.845154;  80·2.5^-½ = 80·0.632456
    "F": (92.97, 50.60),
}


@pytest.mark.parametrize(("terrain", "table"), [("rural", RURAL_1KM), ("urban", URBAN_1KM)])
@pytest.mark.parametrize("stability", "ABCDEF")
def test_briggs_sigmas_at_1km(terrain: str, table: dict[str, tuple[float, float]], stability: str) -> None:
    sigma_y, sigma_z = briggs_sigmas(1000.0, stability, terrain)
    assert (float(sigma_y), float(sigma_z)) == pytest.approx(table[stability], abs=0.006)


def test_briggs_sigmas_at_other_distances() -> None:
    # D rural at 500 m: σy = 40·1.05^-½ = 40·0.975900 = 39.04; σz = 30·1.75^-½ = 30·0.755929 = 22.68
    # F rural at 5 km: σy = 200·1.5^-½ = 163.30; σz = 80/2.5 = 32.00
    assert [float(s) for s in briggs_sigmas(500, "D")] == pytest.approx([39.04, 22.68], abs=0.005)
    assert [float(s) for s in briggs_sigmas(5000, "F")] == pytest.approx([163.30, 32.00], abs=0.005)


def test_sigmas_are_vectorised_over_x() -> None:
    x = np.array([500.0, 1000.0, 5000.0])
    sigma_y, sigma_z = briggs_sigmas(x, "D", "rural")
    assert sigma_y.shape == sigma_z.shape == (3,)
    assert float(sigma_y[1]) == pytest.approx(76.277, abs=0.001)
    assert np.all(np.diff(sigma_y) > 0) and np.all(np.diff(sigma_z) > 0)


@pytest.mark.parametrize("x", [0.0, -10.0, float("nan")])
def test_non_positive_distance_is_refused(x: float) -> None:
    with pytest.raises(ValueError, match="大于 0"):
        briggs_sigmas(x, "D")


@pytest.mark.parametrize(("stability", "terrain"), [("G", "rural"), ("A-B", "rural"), ("d", "rural"), ("D", "sea")])
def test_unknown_class_or_terrain_is_refused(stability: str, terrain: str) -> None:
    with pytest.raises(ValueError):
        briggs_sigmas(1000, stability, terrain)


# --- CCPS puff sigmas ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("stability", "expected"), [
    # at 1000 m: 1000^0.92 = 10^2.76 = 575.44; 1000^0.89 = 10^2.67 = 467.74
    ("A", (103.58, 106.70)),  # 0.18·575.44;  0.60·1000^0.75 = 0.60·10^2.25 = 0.60·177.83
    ("B", (80.56, 82.09)),  # 0.14·575.44;  0.53·10^2.19 = 0.53·154.88
    ("C", (57.54, 45.86)),  # 0.10·575.44;  0.34·10^2.13 = 0.34·134.90
    ("D", (34.53, 18.88)),  # 0.06·575.44;  0.15·10^2.10 = 0.15·125.89
    ("E", (23.02, 8.91)),  # 0.04·575.44;  0.10·10^1.95 = 0.10·89.13
    ("F", (9.35, 3.38)),  # 0.02·467.74;  0.05·10^1.83 = 0.05·67.61
])
def test_puff_sigmas_at_1km(stability: str, expected: tuple[float, float]) -> None:
    sigma_y, sigma_z = puff_sigmas(1000.0, stability)
    assert (float(sigma_y), float(sigma_z)) == pytest.approx(expected, abs=0.01)


# --- plume --------------------------------------------------------------------------------------------
# Q = 100 g/s, u = 5 m/s, H = 0, D rural at x = 1 km: σy = 76.277 m, σz = 37.947 m, σy² = 6400/1.1 =
# 5818.18 m², σz² = 3600/2.5 = 1440 m². Ground centreline: C = Q/(π u σy σz) = 100/(π·5·76.277·37.947)
# = 100/(π·5·2894.48) = 100/45466.6 = 2.1994e-3 g/m³.
Q, U = 100.0, 5.0
C_CENTRE = 100 / (math.pi * 5 * (80 / math.sqrt(1.1)) * (60 / math.sqrt(2.5)))


def test_the_hand_arithmetic_itself() -> None:
    assert pytest.approx(2.1994e-3, rel=1e-4) == C_CENTRE


def test_plume_ground_centreline_at_1km() -> None:
    assert float(plume_concentration(Q, U, 0.0, "D", "rural", 1000.0)) == pytest.approx(2.1994e-3, rel=1e-4)


def test_ground_reflection_doubles_a_ground_release() -> None:
    # Without the image source the bracket is 1: Q/(2π u σy σz) = 1.0997e-3. With it, at z = H = 0, it is 2.
    unreflected = Q / (2 * math.pi * U * (80 / math.sqrt(1.1)) * (60 / math.sqrt(2.5)))
    assert unreflected == pytest.approx(1.0997e-3, rel=1e-4)
    assert float(plume_concentration(Q, U, 0.0, "D", "rural", 1000.0)) == pytest.approx(2 * unreflected)


def test_elevated_release_and_crosswind_offset() -> None:
    # H = 50 m at ground: bracket 2·exp(−50²/(2·1440)) = 2·exp(−0.868056) = 2·0.419778 -> C = 2.1994e-3·0.419778
    assert float(plume_concentration(Q, U, 50.0, "D", "rural", 1000.0)) == pytest.approx(9.2325e-4, rel=1e-4)
    # y = 100 m: exp(−100²/(2·5818.18)) = exp(−0.859375) = 0.423442 -> 2.1994e-3·0.423442 = 9.3132e-4
    assert float(plume_concentration(Q, U, 0.0, "D", "rural", 1000.0, 100.0)) == pytest.approx(9.3132e-4, rel=1e-4)
    # At the height of an elevated source, z = H = 50: bracket 1 + exp(−100²/2880) = 1 + exp(−3.472222) = 1.031048
    at_height = float(plume_concentration(Q, U, 50.0, "D", "rural", 1000.0, 0.0, 50.0))
    assert at_height == pytest.approx(C_CENTRE / 2 * 1.031048, rel=1e-6)


def test_plume_is_vectorised_over_x_and_y() -> None:
    x = np.array([[500.0], [1000.0], [2000.0]])
    y = np.array([0.0, 50.0, 100.0, 200.0])
    grid = plume_concentration(Q, U, 0.0, "D", "rural", x, y)
    assert grid.shape == (3, 4)
    assert float(grid[1, 0]) == pytest.approx(C_CENTRE)
    assert np.all(np.diff(grid, axis=1) < 0)  # falls off crosswind
    assert np.all(np.diff(grid[:, 0]) < 0)  # falls off downwind for a ground release


def test_plume_refuses_negative_rate_or_calm() -> None:
    with pytest.raises(ValueError):
        plume_concentration(-1.0, U, 0.0, "D", "rural", 1000.0)
    with pytest.raises(ValueError):
        plume_concentration(Q, 0.0, 0.0, "D", "rural", 1000.0)


# --- puff ---------------------------------------------------------------------------------------------
# M = 1 t = 1e6 g, u = 5 m/s, t = 200 s: the centre is at u·t = 1000 m; D: σx = σy = 34.526, σz = 18.884.
# Ground peak, H = 0: C = 2M/((2π)^1.5 σy² σz) = 2e6/(15.7496·1192.07·18.884) = 2e6/354 539 = 5.641 g/m³.
M, T = 1e6, 200.0


def test_puff_peak_is_at_u_t() -> None:
    x = np.arange(500.0, 1500.5, 1.0)
    conc = puff_concentration(M, U, 0.0, "D", T, x)
    assert float(x[np.argmax(conc)]) == U * T
    assert float(conc.max()) == pytest.approx(5.641, abs=0.001)


def test_puff_is_symmetric_about_its_centre_and_tracks_time() -> None:
    ahead = float(puff_concentration(M, U, 0.0, "D", T, 1050.0))
    behind = float(puff_concentration(M, U, 0.0, "D", T, 950.0))
    assert ahead == pytest.approx(behind)
    # Later, the same point is upwind of the centre and sees less (and the puff has grown).
    assert float(puff_concentration(M, U, 0.0, "D", 400.0, 1000.0)) < float(puff_concentration(M, U, 0.0, "D", T,
                                                                                                1000.0))


# --- units --------------------------------------------------------------------------------------------
def test_chlorine_ppm_to_mg_m3() -> None:
    # Cl₂, M = 70.90 g/mol: 1 ppm = 70.90/24.45 = 2.8998 ≈ 2.90 mg/m³; AEGL-2 2 ppm = 5.80 mg/m³.
    assert float(ppm_to_mg_m3(1.0, 70.90)) == pytest.approx(2.90, abs=0.005)
    assert float(ppm_to_mg_m3(2.0, 70.90)) == pytest.approx(5.80, abs=0.005)
    assert float(mg_m3_to_ppm(2.8998, 70.90)) == pytest.approx(1.0, abs=1e-4)


def test_ammonia_roundtrip_is_vectorised() -> None:
    # NH₃, M = 17.031: 30 ppm = 30·17.031/24.45 = 20.90 mg/m³
    ppm = np.array([30.0, 160.0, 1100.0])
    mg = ppm_to_mg_m3(ppm, 17.031)
    assert float(mg[0]) == pytest.approx(20.90, abs=0.005)
    assert np.allclose(mg_m3_to_ppm(mg, 17.031), ppm)


# --- limits -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("x", "u", "t", "expected"), [
    (1000.0, 5.0, None, []),
    (100.0, 1.0, None, []),
    (10_000.0, 1.0, None, []),
    (99.0, 5.0, None, ["小于 100 m"]),
    (10_001.0, 5.0, None, ["超过 10 km"]),
    (1000.0, 0.99, None, ["低于 1 m/s"]),
    (1000.0, 2.0, 3600.0, []),  # u·t = 7.2 km
    (1000.0, 5.0, 3601.0, ["超过 60 分钟", "u·t = 18005 m 超过 10 km"]),
    (1000.0, 5.0, 10.0, ["u·t = 50 m 小于 100 m"]),
    (50.0, 0.5, 4000.0, ["小于 100 m", "低于 1 m/s", "超过 60 分钟"]),
])
def test_validity_limits(x: float, u: float, t: float | None, expected: list[str]) -> None:
    limits = validity_limits(x, u, t)
    assert len(limits) == len(expected), limits
    for text, fragment in zip(limits, expected, strict=True):
        assert fragment in text


def test_limits_over_an_array_report_the_extremes() -> None:
    limits = validity_limits(np.array([50.0, 1000.0, 20_000.0]), 3.0)
    assert ["50 m" in limits[0], "20000 m" in limits[1]] == [True, True]


# --- the point query the API answers -----------------------------------------------------------------
def plume_query(**change: object) -> PointQuery:
    base: dict[str, object] = {"model": "plume", "q_g_s": Q, "u_m_s": U, "stability": "D", "x_m": 1000.0}
    return PointQuery(**{**base, **change})  # type: ignore[arg-type]


def test_point_plume_result() -> None:
    result = concentration_at(plume_query())
    assert result.concentration_g_m3 == pytest.approx(2.1994e-3, rel=1e-4)
    assert (result.sigma_y_m, result.sigma_z_m) == pytest.approx((76.277, 37.947), abs=0.001)
    assert result.limits == ()


def test_point_puff_result_states_its_limits() -> None:
    result = concentration_at(PointQuery("puff", u_m_s=0.5, stability="D", x_m=50.0, mass_g=1000.0, t_s=4000.0,
                                         terrain="urban"))
    assert result.concentration_g_m3 >= 0
    assert len(result.limits) == 4  # near field, light wind, beyond 60 min, urban ignored by the puff
    assert any("urban" in text for text in result.limits)


@pytest.mark.parametrize(("change", "field"), [
    ({"model": "jet"}, "model"),
    ({"stability": "G"}, "stability"),
    ({"stability": "A-B"}, "stability"),
    ({"terrain": "forest"}, "terrain"),
    ({"u_m_s": -1.0}, "u_m_s"),
    ({"u_m_s": 0.0}, "u_m_s"),
    ({"x_m": 0.0}, "x_m"),
    ({"x_m": -5.0}, "x_m"),
    ({"h_m": -1.0}, "h_m"),
    ({"z_m": -1.0}, "z_m"),
    ({"y_m": float("inf")}, "y_m"),
    ({"q_g_s": None}, "q_g_s"),
    ({"q_g_s": -0.1}, "q_g_s"),
    ({"q_g_s": float("nan")}, "q_g_s"),
    ({"mass_g": 10.0}, "mass_g"),  # a plume takes no mass
    ({"t_s": 10.0}, "t_s"),
    ({"model": "puff", "mass_g": 10.0, "t_s": 60.0}, "q_g_s"),  # a puff takes no rate
    ({"model": "puff", "q_g_s": None, "t_s": 60.0}, "mass_g"),
    ({"model": "puff", "q_g_s": None, "mass_g": -1.0, "t_s": 60.0}, "mass_g"),
    ({"model": "puff", "q_g_s": None, "mass_g": 10.0}, "t_s"),
    ({"model": "puff", "q_g_s": None, "mass_g": 10.0, "t_s": 0.0}, "t_s"),
])
def test_bad_point_query_names_the_field(change: dict[str, object], field: str) -> None:
    query = plume_query(**change)
    assert list(check_point_query(query)) == [field]
    with pytest.raises(ValueError):
        concentration_at(query)


def test_a_pair_of_classes_gets_a_hint() -> None:
    assert "B" in check_point_query(plume_query(stability="A-B"))["stability"]


# --- properties ---------------------------------------------------------------------------------------
classes = st.sampled_from("ABCDEF")
terrains = st.sampled_from(["rural", "urban"])
distances = st.floats(10.0, 20_000.0)
offsets = st.floats(0.0, 2_000.0)


@given(classes, terrains, distances, offsets, offsets, st.floats(0.0, 100.0), st.floats(0.0, 50.0))
def test_plume_falls_off_with_crosswind_distance(stability: str, terrain: str, x: float, y1: float, y2: float,
                                                  h: float, z: float) -> None:
    near, far = sorted((y1, y2))
    c_near, c_far = plume_concentration(Q, U, h, stability, terrain, x, [near, -far], z)
    assert c_near >= c_far >= 0.0


@given(classes, terrains, distances, st.floats(-2_000.0, 2_000.0), st.floats(0.0, 1e4), st.floats(0.5, 30.0))
def test_plume_is_linear_in_the_rate_and_never_negative(stability: str, terrain: str, x: float, y: float,
                                                        q: float, u: float) -> None:
    one = float(plume_concentration(1.0, u, 10.0, stability, terrain, x, y))
    assert one >= 0.0
    assert float(plume_concentration(q, u, 10.0, stability, terrain, x, y)) == pytest.approx(q * one, rel=1e-12,
                                                                                               abs=1e-300)


@given(classes, st.floats(1.0, 5_000.0), st.floats(0.5, 20.0), st.floats(1.0, 3_600.0), offsets)
def test_puff_is_never_negative_and_falls_off_crosswind(stability: str, x: float, u: float, t: float,
                                                        y: float) -> None:
    c_axis, c_off = puff_concentration(1e5, u, 0.0, stability, t, x, [0.0, y])
    assert c_axis >= c_off >= 0.0
