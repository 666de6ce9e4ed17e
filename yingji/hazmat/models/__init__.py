"""Hazmat's stored records: major-hazard units with their inventories and tanks."""

from .units import HazardUnit, Tank, UnitInventory, UnitKind

__all__ = ["HazardUnit", "Tank", "UnitInventory", "UnitKind"]
