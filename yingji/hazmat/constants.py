"""Hazmat's words for the audit log and the event bus, and the limits of declared inventories."""

from __future__ import annotations

from enum import StrEnum


class HazmatAudit(StrEnum):
    """Audit actions of the hazmat domain (core's create/update/delete cover the unit record itself)."""

    INVENTORY_SET = "hazmat.inventory.set"
    INVENTORY_REMOVE = "hazmat.inventory.remove"
    INVENTORY_REPLACE = "hazmat.inventory.replace"


UNIT_GRADED = "hazmat.unit.graded"  # published after commit whenever a unit's grading was recomputed

MAX_INVENTORY_ROWS = 500  # substances in one unit: far above any real tank farm, bounds one request
