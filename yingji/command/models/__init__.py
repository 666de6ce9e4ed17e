"""Command's stored records: incidents and their timelines, evacuation plans, supply allocation."""

from .evacuation import AreaSource, EvacuationAssignment, EvacuationPlan, EvacueeArrival, PlanStatus
from .incidents import (
    Incident,
    IncidentSource,
    IncidentStatus,
    IncidentType,
    Industry,
    TimelineEntry,
    TimelineKind,
)
from .supply import OrderStatus, SupplyDemand, SupplyOrder, SupplyPlan

__all__ = ["AreaSource", "EvacuationAssignment", "EvacuationPlan", "EvacueeArrival", "Incident", "IncidentSource",
           "IncidentStatus", "IncidentType", "Industry", "OrderStatus", "PlanStatus", "SupplyDemand", "SupplyOrder",
           "SupplyPlan", "TimelineEntry", "TimelineKind"]
