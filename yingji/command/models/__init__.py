"""Command's stored records: incidents and their append-only timelines."""

from .incidents import (
    Incident,
    IncidentSource,
    IncidentStatus,
    IncidentType,
    Industry,
    TimelineEntry,
    TimelineKind,
)

__all__ = ["Incident", "IncidentSource", "IncidentStatus", "IncidentType", "Industry", "TimelineEntry",
           "TimelineKind"]
