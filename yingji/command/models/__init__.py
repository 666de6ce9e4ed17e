"""Command's stored records: incidents and timelines, response plans, tasks and dispatches, evacuation, supply."""

from .assessment import AfterActionReport, DrillInject, ImprovementItem, ImprovementStatus
from .attachments import IncidentAttachment
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
from .plans import (
    Dispatch,
    DispatchStatus,
    PlanAction,
    PlanActivation,
    PlanGroup,
    ResponsePlan,
    ResponsePlanStatus,
    Task,
    TaskStatus,
)
from .requests import RequestStatus, ResourceRequest
from .supply import OrderStatus, SupplyDemand, SupplyOrder, SupplyPlan

__all__ = ["AfterActionReport", "AreaSource", "Dispatch", "DispatchStatus", "DrillInject", "EvacuationAssignment",
           "EvacuationPlan", "EvacueeArrival", "ImprovementItem", "ImprovementStatus", "Incident",
           "IncidentAttachment", "IncidentSource", "IncidentStatus", "IncidentType", "Industry", "OrderStatus",
           "PlanAction", "PlanActivation", "PlanGroup", "PlanStatus", "RequestStatus", "ResourceRequest",
           "ResponsePlan", "ResponsePlanStatus", "SupplyDemand", "SupplyOrder", "SupplyPlan", "Task", "TaskStatus",
           "TimelineEntry", "TimelineKind"]
