"""Kernel models; every domain app's models build on base.py."""

from .accounts import ApiToken, Department, User
from .areas import AdminArea, AreaLevel
from .audit import AuditAction, AuditEvent
from .base import LocatedModel, OwnedModel, ScopedQuerySet, TimeStampedModel
from .roads import Road, RoadClass

__all__ = [
    "AdminArea",
    "ApiToken",
    "AreaLevel",
    "AuditAction",
    "AuditEvent",
    "Department",
    "LocatedModel",
    "OwnedModel",
    "Road",
    "RoadClass",
    "ScopedQuerySet",
    "TimeStampedModel",
    "User",
]
