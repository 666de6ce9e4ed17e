"""Pages served by `yingji demo` say that the data is fictitious; a real deployment does not."""

from __future__ import annotations

from typing import Any

import pytest

BANNER = "不得用于实际指挥"


@pytest.mark.parametrize("demo", [True, False])
def test_demo_banner_only_in_demo_mode(demo: bool, settings: Any, people: Any, client_for: Any) -> None:
    settings.YINGJI_DEMO_BANNER = demo
    page = client_for(people.emergency_officer).get("/registry/").content.decode()
    assert (BANNER in page) is demo
