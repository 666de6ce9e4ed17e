"""Hazmat's stored records: the catalogue, major-hazard units with inventories and tanks, the life-cycle ledger."""

from .catalogue import Chemical
from .ledger import (
    BalanceStatus,
    Batch,
    CrewCertificate,
    CrewRole,
    Movement,
    MovementKind,
    MovementStatus,
    PeriodBalance,
    Qualification,
    QualificationKind,
    Stocktake,
    Waybill,
)
from .units import HazardUnit, Tank, UnitInventory, UnitKind

__all__ = ["BalanceStatus", "Batch", "Chemical", "CrewCertificate", "CrewRole", "HazardUnit", "Movement",
           "MovementKind", "MovementStatus", "PeriodBalance", "Qualification", "QualificationKind", "Stocktake", "Tank",
           "UnitInventory", "UnitKind", "Waybill"]
