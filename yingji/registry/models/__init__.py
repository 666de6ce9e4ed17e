"""Registry models: organisations and emergency resources."""

from .organisations import Enterprise, School
from .resources import (
    Equipment,
    Expert,
    MedicalFacility,
    RescueTeam,
    Shelter,
    StockItem,
    Vehicle,
    Warehouse,
)

__all__ = [
    "Enterprise",
    "Equipment",
    "Expert",
    "MedicalFacility",
    "RescueTeam",
    "School",
    "Shelter",
    "StockItem",
    "Vehicle",
    "Warehouse",
]
