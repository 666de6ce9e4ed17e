"""The whole demo county as plain dicts, built in dependency order (pure, seeded, < 1 s)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .organisations import build_enterprises, build_schools
from .responders import build_experts, build_medical, build_teams
from .supplies import build_equipment, build_shelters, build_vehicles, build_warehouses

Record = dict[str, Any]


@dataclass(frozen=True)
class DemoCounty:
    """Every demo record by kind. Records carry model field names plus references by natural key:
    `area_code` (AdminArea.code), `department` (Department.code), `enterprise` (credit code) and, for
    warehouses, their stock `items`."""

    enterprises: list[Record]
    schools: list[Record]
    teams: list[Record]
    experts: list[Record]
    medical: list[Record]
    warehouses: list[Record]
    shelters: list[Record]
    vehicles: list[Record]
    equipment: list[Record]

    def located(self) -> list[tuple[str, Record]]:
        """(kind, record) for every record with a position."""
        return [(kind, r) for kind, records in self.__dict__.items() for r in records]


@cache
def _build() -> DemoCounty:
    enterprises = build_enterprises()
    teams = build_teams(enterprises)
    warehouses = build_warehouses(enterprises)
    medical = build_medical()
    return DemoCounty(
        enterprises=enterprises,
        schools=build_schools(),
        teams=teams,
        experts=build_experts(enterprises),
        medical=medical,
        warehouses=warehouses,
        shelters=build_shelters(),
        vehicles=build_vehicles(teams, warehouses, medical),
        equipment=build_equipment(teams, warehouses),
    )


def build_county() -> DemoCounty:
    """The demo county. Cached: treat the records as read-only."""
    return _build()
