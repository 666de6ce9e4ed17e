"""Worksafety's stored records: special-work permits with their approvals, analyses and checks; e-locked tools."""

from .permits import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    GasAnalysis,
    Permit,
    PermitApproval,
    PermitApprover,
    PermitStatus,
    SpotCheck,
    SpotCheckResult,
)
from .tools import LockEvent, Tool, ToolKind, UnlockRequest

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_STATUSES",
    "GasAnalysis",
    "LockEvent",
    "Permit",
    "PermitApproval",
    "PermitApprover",
    "PermitStatus",
    "SpotCheck",
    "SpotCheckResult",
    "Tool",
    "ToolKind",
    "UnlockRequest",
]
