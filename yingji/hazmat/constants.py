"""Hazmat's words for the audit log and the event bus, and the limits of declared inventories and the ledger."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class HazmatAudit(StrEnum):
    """Audit actions of the hazmat domain (core's create/update/delete cover plain record changes)."""

    INVENTORY_SET = "hazmat.inventory.set"
    INVENTORY_REMOVE = "hazmat.inventory.remove"
    INVENTORY_REPLACE = "hazmat.inventory.replace"
    CATALOGUE_SYNC = "hazmat.catalogue.sync"
    MOVEMENT_RECORD = "hazmat.ledger.movement"
    TRANSFER_CONFIRM = "hazmat.ledger.confirm"
    TRANSFER_REJECT = "hazmat.ledger.reject"
    STOCKTAKE = "hazmat.ledger.stocktake"
    DISCREPANCY_EXPLAIN = "hazmat.ledger.explain"


UNIT_GRADED = "hazmat.unit.graded"  # published after commit whenever a unit's grading was recomputed
LEDGER_EVENT = "hazmat.ledger"  # published after commit: a transfer to confirm, a balance, a discrepancy

MAX_INVENTORY_ROWS = 500  # substances in one unit: far above any real tank farm, bounds one request

# Ledger tolerance, % of what passed through the store in a period (opening + in). Tank gauging to
# GB/T 13894 / JJG 168 and weighbridge class III are each good to about 0.2–0.3 %; two counts and the
# movements between them add up to about 0.5 %. Override with settings.YINGJI_LEDGER_TOLERANCE_PERCENT.
LEDGER_TOLERANCE_PERCENT = Decimal("0.5")
