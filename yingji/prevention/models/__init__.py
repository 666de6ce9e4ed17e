"""Dual prevention and supervision: risk points, hidden dangers, inspections, commitments, supervision."""

from .dangers import DangerLevel, DangerSource, DangerStatus, HiddenDanger, HiddenDangerStep
from .inspections import (
    Checkpoint,
    Frequency,
    InspectionRecord,
    MaintenanceRecord,
    MissedRound,
    Route,
    RouteStop,
)
from .operations import CommitmentMiss, SafetyCommitment
from .photos import Photo
from .risks import RiskMatrixConfig, RiskMethod, RiskPoint
from .supervision import (
    CheckMode,
    EnforcementOrder,
    OrderStatus,
    Plan,
    Subscription,
    SubscriptionState,
    SupervisionCheck,
)

__all__ = [
    "CheckMode", "Checkpoint", "CommitmentMiss", "DangerLevel", "DangerSource", "DangerStatus",
    "EnforcementOrder", "Frequency", "HiddenDanger", "HiddenDangerStep", "InspectionRecord", "MaintenanceRecord",
    "MissedRound", "OrderStatus", "Photo", "Plan", "RiskMatrixConfig", "RiskMethod", "RiskPoint", "Route",
    "RouteStop", "SafetyCommitment", "Subscription", "SubscriptionState", "SupervisionCheck",
]
