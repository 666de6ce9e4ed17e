"""Pasquill–Gifford stability class from the 10 m wind and the sky, cell by cell as DOMAIN §9 tabulates it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.command.dispersion import check_stability_inputs, conservative_class, stability_class

# Columns: day strong, moderate, slight sun; night ≥ 4/8 cloud (5/8 here), ≤ 3/8 cloud (2/8 here).
TABLE = {
    1.5: ("A", "A-B", "B", "E", "F"),  # < 2
    2.5: ("A-B", "B", "C", "E", "F"),  # 2–3
    4.0: ("B", "B-C", "C", "D", "E"),  # 3–5
    5.5: ("C", "C-D", "D", "D", "D"),  # 5–6
    7.0: ("C", "D", "D", "D", "D"),  # > 6
}
SKIES = [{"daytime": True, "insolation": "strong"}, {"daytime": True, "insolation": "moderate"},
         {"daytime": True, "insolation": "slight"}, {"daytime": False, "cloud_eighths": 5},
         {"daytime": False, "cloud_eighths": 2}]
CELLS = [(wind, sky, row[i]) for wind, row in TABLE.items() for i, sky in enumerate(SKIES)]


@pytest.mark.parametrize(("wind", "sky", "expected"), CELLS, ids=[f"{c[0]}-{c[1]}" for c in CELLS])
def test_every_cell_of_the_table(wind: float, sky: dict[str, object], expected: str) -> None:
    assert stability_class(wind, **sky) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("wind", "expected"), [
    (0.0, "A"), (1.99, "A"),  # calm is the "< 2" band
    (2.0, "A-B"), (2.99, "A-B"),  # a band's lower figure belongs to it
    (3.0, "B"), (4.99, "B"),
    (5.0, "C"), (6.0, "C"),  # 6 itself is "5–6": the last band reads "> 6" (strong sun reads C in both)
])
def test_wind_band_edges_under_strong_sun(wind: float, expected: str) -> None:
    assert stability_class(wind, daytime=True, insolation="strong") == expected


def test_six_metres_per_second_is_still_the_five_to_six_band() -> None:
    # Moderate sun separates the two top bands: 5–6 -> C-D, > 6 -> D.
    assert stability_class(6.0, daytime=True, insolation="moderate") == "C-D"
    assert stability_class(6.01, daytime=True, insolation="moderate") == "D"


@pytest.mark.parametrize(("eighths", "expected"), [(0, "F"), (3, "F"), (4, "E"), (7, "E"), (8, "D")])
def test_night_cloud_columns(eighths: int, expected: str) -> None:
    # Light wind at night: ≤ 3/8 -> F, ≥ 4/8 -> E (4/8 with the cloudy column, as Pasquill has it; verify),
    # 8/8 overcast -> D.
    assert stability_class(1.0, daytime=False, cloud_eighths=eighths) == expected


@pytest.mark.parametrize("wind", [0.5, 2.5, 4.0, 5.5, 10.0])
def test_overcast_day_or_night_is_neutral(wind: float) -> None:
    assert stability_class(wind, daytime=True, insolation="overcast") == "D"
    assert stability_class(wind, daytime=False, cloud_eighths=8) == "D"


@pytest.mark.parametrize(("stability", "single"), [("A", "A"), ("A-B", "B"), ("B-C", "C"), ("C-D", "D")])
def test_conservative_class_is_the_more_stable_of_a_pair(stability: str, single: str) -> None:
    assert conservative_class(stability) == single


@pytest.mark.parametrize(("wind", "sky", "field"), [
    (-1.0, {"daytime": True, "insolation": "strong"}, "wind_m_s"),
    (float("nan"), {"daytime": True, "insolation": "strong"}, "wind_m_s"),
    (3.0, {"daytime": True}, "insolation"),
    (3.0, {"daytime": True, "insolation": "blazing"}, "insolation"),
    (3.0, {"daytime": True, "insolation": "strong", "cloud_eighths": 2}, "cloud_eighths"),
    (3.0, {"daytime": False}, "cloud_eighths"),
    (3.0, {"daytime": False, "cloud_eighths": 9}, "cloud_eighths"),
    (3.0, {"daytime": False, "cloud_eighths": -1}, "cloud_eighths"),
    (3.0, {"daytime": False, "cloud_eighths": 2, "insolation": "slight"}, "insolation"),
])
def test_bad_weather_names_the_field(wind: float, sky: dict[str, object], field: str) -> None:
    assert list(check_stability_inputs(wind, **sky)) == [field]  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        stability_class(wind, **sky)  # type: ignore[arg-type]


@given(st.floats(0.0, 40.0), st.sampled_from(["strong", "moderate", "slight", "overcast"]))
def test_daytime_class_never_gets_less_stable_as_wind_rises(wind: float, insolation: str) -> None:
    order = ["A", "A-B", "B", "B-C", "C", "C-D", "D"]
    now = order.index(stability_class(wind, daytime=True, insolation=insolation))
    assert order.index(stability_class(wind + 1.0, daytime=True, insolation=insolation)) >= now
