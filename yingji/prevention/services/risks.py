"""Risk points and the county's risk bands: every write regrades with `grading.assess` in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.records import apply_fields
from yingji.core.roles import Role
from yingji.core.scoping import Principal, ScopeFacts
from yingji.hazmat.models import HazardUnit
from yingji.registry.models import Enterprise

from ..constants import TOPIC_RISK, PreventionAudit
from ..grading import Bands, GradingError, Level, assess
from ..models import RiskMatrixConfig, RiskMethod, RiskPoint
from . import common

RISK_FIELDS = ("enterprise", "unit_place", "name", "hazard_description", "method", "likelihood", "exposure",
               "consequence", "severity", "control_measures", "responsible_person", "responsible_phone",
               "hazard_unit", "address", "longitude", "latitude")
MATRIX_FIELDS = ("lec_red", "lec_orange", "lec_yellow", "lec_lower_inclusive", "ls_red", "ls_orange", "ls_yellow",
                 "ls_lower_inclusive", "source")


def matrix() -> RiskMatrixConfig:
    """The county's bands (the defaults of DOMAIN §7 until the county changes them)."""
    found = RiskMatrixConfig.objects.order_by("pk").first()
    return found if found is not None else RiskMatrixConfig()


def apply_grade(point: RiskPoint, config: RiskMatrixConfig | None = None) -> None:
    """Set the point's value, level and working from its factors, unsaved.

    :raises ValidationError: under each factor that is missing, negative, NaN or not in its table.
    """
    config = config or matrix()
    try:
        result = assess(point.method, point.likelihood, point.exposure, point.consequence, point.severity,
                        lec_bands=config.lec_bands, ls_bands=config.ls_bands)
    except GradingError as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors) from exc
    point.value, point.level, point.working = result.value, result.level.value, result.formula


def _place_like_unit_or_enterprise(point: RiskPoint) -> None:
    source: HazardUnit | Enterprise = point.enterprise
    if point.hazard_unit is not None:
        source = point.hazard_unit
    if point.longitude is None and point.latitude is None:
        point.longitude, point.latitude = source.longitude, source.latitude
    if not point.address:
        point.address = source.address


@transaction.atomic
def create_risk_point(data: Mapping[str, Any], *, actor: Any) -> RiskPoint:
    """Register a risk point graded by its method; it stands at its hazmat unit (or enterprise) unless placed."""
    point = RiskPoint()
    apply_fields(point, data, allowed=RISK_FIELDS)
    common.defaults_from_enterprise(point, actor)
    apply_grade(point)
    _place_like_unit_or_enterprise(point)
    point.full_clean()
    common.guard(point, actor, "风险点")
    point.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, point, actor=actor, before=None)
    common.publish(TOPIC_RISK, "created", point, level=point.level, value=point.value,
                   lon=point.longitude, lat=point.latitude)
    return point


@transaction.atomic
def update_risk_point(point: RiskPoint, data: Mapping[str, Any], *, actor: Any) -> RiskPoint:
    """Change a risk point and regrade it."""
    common.guard(point, actor, "风险点")
    if "enterprise" in data and data["enterprise"] not in (None, point.enterprise_id, point.enterprise):
        raise ValidationError({"enterprise": "不能把风险点转到其他企业"})
    before = audit.snapshot(point)
    apply_fields(point, {k: v for k, v in data.items() if k != "enterprise"}, allowed=RISK_FIELDS)
    apply_grade(point)
    point.full_clean()
    point.save()
    audit.record_change(AuditAction.UPDATE, point, actor=actor, before=before)
    common.publish(TOPIC_RISK, "updated", point, level=point.level, previous_level=before["level"],
                   value=point.value, lon=point.longitude, lat=point.latitude)
    return point


def delete_risk_point(point: RiskPoint, *, actor: Any) -> None:
    """Delete a risk point (its hidden dangers and checkpoints keep existing, unlinked)."""
    with transaction.atomic():
        common.delete(point, actor=actor, what="风险点", topic=TOPIC_RISK)


def level_case(bands: Bands) -> Case:
    """The level of a stored value under these bands, as SQL (the same rule as `Bands.level_of`).

    The bounds are compared as the floats stored; values are products of table factors, so they are exact
    enough that a bound only matters when the value equals it, which `lower_inclusive` decides.
    """
    op = "gte" if bands.lower_inclusive else "gt"
    return Case(
        When(Q(**{f"value__{op}": bands.red}), then=Value(Level.RED.value)),
        When(Q(**{f"value__{op}": bands.orange}), then=Value(Level.ORANGE.value)),
        When(Q(**{f"value__{op}": bands.yellow}), then=Value(Level.YELLOW.value)),
        default=Value(Level.BLUE.value),
        output_field=CharField(),
    )


@transaction.atomic
def set_matrix(data: Mapping[str, Any], *, actor: Any) -> RiskMatrixConfig:
    """Change the county's bands (county administrators only) and regrade every risk point at once."""
    principal = Principal.of(actor)
    if not (principal.is_superuser or principal.role == Role.COUNTY_ADMIN):
        raise PermissionDenied("只有县级管理员可以修改风险分级标准")
    config = matrix()
    before = None if config.pk is None else audit.snapshot(config)
    apply_fields(config, data, allowed=MATRIX_FIELDS)
    config.full_clean()
    config.save()
    # The value of a point does not depend on the bands, only its level does: one UPDATE per method.
    regraded = moved = 0
    for method, bands in ((RiskMethod.LEC, config.lec_bands), (RiskMethod.LS, config.ls_bands)):
        rows = RiskPoint.objects.filter(method=method)
        new_level = level_case(bands)
        moved += rows.annotate(new_level=new_level).exclude(level=F("new_level")).count()
        regraded += rows.update(level=new_level)
    audit.record(PreventionAudit.MATRIX_SET, actor=actor, object_type="prevention.riskmatrixconfig",
                 object_id=config.pk, object_repr=str(config), before=before,
                 after={**audit.snapshot(config), "regraded": regraded, "level_changed": moved})
    events.publish(TOPIC_RISK, {"verb": "matrix_changed", "regraded": regraded, "level_changed": moved},
                   scope=ScopeFacts(kind="prevention.riskpoint"))
    return config
