"""Grading every stored unit again with the current catalogue — after a release changed the standard's data, or
a catalogue editor changed an entry. The county's hot path (10 000 enterprises, bench/bench_hazmat.py), so it
bypasses the ORM where that was measured to matter: rows are read as tuples in chunks, graded with the pure
`grading.evaluate_unit`, and written with one parametrised UPDATE per unit through executemany (bulk_update's
CASE expressions cost ~20 ms a unit to build; model instances and per-value field preparation most of the rest).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.scoping import ScopeFacts

from .catalogue import current_catalogue
from .constants import UNIT_GRADED
from .grading import Contribution, GradingError, Holding, evaluate_unit
from .models import HazardUnit, UnitInventory
from .services import GRADED_FIELDS

CHUNK = 2000
_CONTRIBUTION_FIELDS = tuple(f.name for f in fields(Contribution))
_UNIT_COLUMNS = ("pk", "name", "exposed_population", "grade", "enterprise_id", "owner_department_id",
                 "admin_area__code", "longitude", "latitude")


def _sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(name)} = %s" for name in (*GRADED_FIELDS, "updated_at"))
    return f"UPDATE {quote(HazardUnit._meta.db_table)} SET {columns} WHERE {quote('id')} = %s"


@transaction.atomic
def regrade_all(*, actor: Any) -> dict[str, int]:
    """Grade every unit again and store the result with its working; one audit event for the run and a
    ``hazmat.unit.graded`` event for each unit whose grade changed. A unit whose stored inventory no longer
    resolves (an entry was removed) keeps its old grading and is counted under ``failed``."""
    catalogue = current_catalogue()
    json_field = HazardUnit._meta.get_field("contributions")
    now = timezone.now()
    stamp = HazardUnit._meta.get_field("updated_at").get_db_prep_save(now, connection)  # type: ignore[union-attr]
    sql = _sql()
    seen = changed = failed = 0
    last = 0
    while True:
        units = list(HazardUnit.objects.filter(pk__gt=last).order_by("pk").values_list(*_UNIT_COLUMNS)[:CHUNK])
        if not units:
            break
        holdings: dict[int, list[Holding]] = defaultdict(list)
        for unit_id, substance, quantity, category in (
                UnitInventory.objects.filter(unit_id__gt=last, unit_id__lte=units[-1][0]).order_by()
                .values_list("unit_id", "substance", "max_quantity_t", "category")):
            holdings[unit_id].append(Holding(substance, quantity, category or None))
        rows = []
        for pk, name, people, before, enterprise_id, department_id, area_code, lon, lat in units:
            try:
                result = evaluate_unit(name, people, holdings.get(pk, ()), catalogue)
            except GradingError:
                failed += 1
                continue
            working = [{f: getattr(c, f) for f in _CONTRIBUTION_FIELDS} for c in result.contributions]
            rows.append((result.s, result.is_major_hazard, result.r, result.grade, result.alpha, result.alpha_reason,
                         json_field.get_db_prep_save(working, connection), stamp, stamp, pk))  # type: ignore[union-attr]
            if result.grade != before:
                changed += 1
                events.publish(UNIT_GRADED, {
                    "id": pk, "kind": "hazmat.hazardunit", "name": name, "enterprise_id": enterprise_id,
                    "s": result.s, "is_major_hazard": result.is_major_hazard, "r": result.r, "grade": result.grade,
                    "previous_grade": before, "lon": lon, "lat": lat,
                }, scope=ScopeFacts(kind="hazmat.hazardunit", department_id=department_id, area_code=area_code,
                                    enterprise_id=enterprise_id))
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        seen, last = seen + len(units), units[-1][0]
    summary = {"units": seen, "grade_changed": changed, "failed": failed}
    audit.record(AuditAction.UPDATE, actor=actor, object_type="hazmat.hazardunit", object_repr="全部单元重新辨识分级",
                 after=summary)
    return summary
