"""Excel/CSV import of risk points: every row validated and graded first, then all written or nothing.

Columns (Chinese header or field name): 企业 (credit code or name; an enterprise officer may leave it empty),
单元/场所, 风险点名称, 危险有害因素, 评价方法 (LEC/LS), L, E, C, S, 管控措施, 责任人, 责任人电话.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yingji.core import audit, events, tabular
from yingji.core.models import AuditAction
from yingji.core.roles import Role
from yingji.core.scoping import Principal, ScopeFacts
from yingji.registry.importing import ImportOutcome
from yingji.registry.models import Enterprise

from .constants import TOPIC_RISK
from .grading import GradingError, assess
from .models import RiskPoint
from .services.risks import matrix
from .subscriptions import refusal

MAX_ROWS = 20_000
BATCH_SIZE = 1000


def _method(s: str) -> str:
    value = s.strip().lower()
    if value in ("lec", "ls"):
        return value
    raise ValueError(f"评价方法只能是 LEC 或 LS，实际为“{s}”")


COLUMNS = [
    tabular.Column("企业", "enterprise", tabular.text(200), aliases=("统一社会信用代码",)),
    tabular.Column("单元/场所", "unit_place", tabular.text(200, min_len=1), required=True, aliases=("单元", "场所")),
    tabular.Column("风险点名称", "name", tabular.text(200, min_len=1), required=True, aliases=("风险点",)),
    tabular.Column("危险有害因素", "hazard_description", tabular.text(2000, min_len=1), required=True),
    tabular.Column("评价方法", "method", _method, required=True),
    tabular.Column("L", "likelihood", tabular.floating(), required=True, aliases=("L 可能性",)),
    tabular.Column("E", "exposure", tabular.floating(), aliases=("E 暴露频繁程度",)),
    tabular.Column("C", "consequence", tabular.floating(), aliases=("C 后果",)),
    tabular.Column("S", "severity", tabular.floating(), aliases=("S 严重性",)),
    tabular.Column("管控措施", "control_measures", tabular.text(2000)),
    tabular.Column("责任人", "responsible_person", tabular.text(50, min_len=1), required=True),
    tabular.Column("责任人电话", "responsible_phone", tabular.phone()),
]


class _RowCheck:
    """Cross-column rules of one row: the enterprise (in the actor's scope, allowed to write), the grading,
    no duplicate within the file or against what is stored."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.principal = Principal.of(actor)
        self.config = matrix()
        everyone = list(Enterprise.objects.select_related("admin_area"))
        self.by_pk = {e.pk: e for e in everyone}
        self.enterprises = {k: e for e in everyone for k in (e.credit_code, e.name)}
        self.seen: dict[tuple[int, str, str], bool] = {}
        self.refusals: dict[int, str | None] = {}

    def _enterprise(self, value: str | None) -> Enterprise | str:
        if not value:
            own = self.by_pk.get(getattr(self.actor, "enterprise_id", None) or 0)
            return own if own is not None else "须填写企业（统一社会信用代码或名称）"
        found = self.enterprises.get(value)
        return found if found is not None else f"企业“{value}”不存在"

    def __call__(self, values: dict[str, Any]) -> list[tuple[tabular.Column | str | None, str]]:
        enterprise = self._enterprise(values.get("enterprise"))
        if isinstance(enterprise, str):
            return [("enterprise", enterprise)]
        area = enterprise.admin_area.code if enterprise.admin_area is not None else None
        facts = ScopeFacts(kind="prevention.riskpoint", department_id=enterprise.owner_department_id,
                           enterprise_id=enterprise.pk, area_code=area)
        if not self.principal.may_change(facts):
            return [("enterprise", f"超出您的数据权限范围：不能为“{enterprise.name}”录入风险点")]
        if self.principal.role == Role.ENTERPRISE_OFFICER:
            if enterprise.pk not in self.refusals:
                self.refusals[enterprise.pk] = refusal(enterprise)
            if self.refusals[enterprise.pk]:
                return [("enterprise", str(self.refusals[enterprise.pk]))]
        try:
            graded = assess(values["method"], values["likelihood"], values.get("exposure"),
                            values.get("consequence"), values.get("severity"),
                            lec_bands=self.config.lec_bands, ls_bands=self.config.ls_bands)
        except GradingError as exc:
            return [(p.field if p.field in {c.field for c in COLUMNS} else None, p.message) for p in exc.problems]
        key = (enterprise.pk, values["unit_place"], values["name"])
        if key in self.seen:
            return [("name", f"与前面的行重复：“{values['unit_place']} · {values['name']}”")]
        self.seen[key] = True
        if RiskPoint.objects.filter(enterprise=enterprise, unit_place=key[1], name=key[2]).exists():
            return [("name", f"该企业已有风险点“{values['unit_place']} · {values['name']}”")]
        values["_enterprise"], values["_graded"] = enterprise, graded
        return []


def import_risk_points(file: BinaryIO, filename: str, *, actor: Any, dry_run: bool = True) -> ImportOutcome:
    """Validate every row (and grade it); write all rows in one transaction with one audit event, or nothing.

    :raises PermissionDenied: the actor may not write at all (auditors).
    """
    if Principal.of(actor).read_only:
        raise PermissionDenied("只读账号不能导入数据")
    outcome = ImportOutcome(dry_run=dry_run)
    check = _RowCheck(actor)
    try:
        with tabular.read_rows(file, filename) as reader:
            report = tabular.validate_table(reader, COLUMNS, row_validator=check, max_errors=200)
    except tabular.TabularError as exc:
        return outcome.unreadable(exc)
    if report.total_rows > MAX_ROWS:
        outcome.checked(report, write=False, valid_rows_only=False)
        outcome.message = f"一次最多导入 {MAX_ROWS} 行，文件有 {report.total_rows} 行"
        outcome.error_count += 1
        return outcome
    if not outcome.checked(report, write=not dry_run, valid_rows_only=False):
        return outcome
    points = [_point(values) for _, values in report.rows]
    with transaction.atomic():
        RiskPoint.objects.bulk_create(points, batch_size=BATCH_SIZE)
        audit.record(AuditAction.IMPORT, actor=actor, object_type="prevention.riskpoint",
                     object_repr=f"导入风险点 {len(points)} 个（{filename}）",
                     after={"count": len(points), "file": filename})
        events.publish(TOPIC_RISK, {"verb": "imported", "count": len(points)},
                       scope=ScopeFacts(kind="prevention.riskpoint"))
    outcome.written = len(points)
    outcome.message = f"{report.summary()}。已导入 {len(points)} 个风险点"
    return outcome


def _point(values: dict[str, Any]) -> RiskPoint:
    enterprise: Enterprise = values["_enterprise"]
    graded = values["_graded"]
    return RiskPoint(
        enterprise=enterprise, owner_department_id=enterprise.owner_department_id,
        admin_area_id=enterprise.admin_area_id, unit_place=values["unit_place"], name=values["name"],
        hazard_description=values["hazard_description"], method=values["method"],
        likelihood=values["likelihood"], exposure=values.get("exposure"), consequence=values.get("consequence"),
        severity=values.get("severity"), control_measures=values.get("control_measures") or "",
        responsible_person=values["responsible_person"], responsible_phone=values.get("responsible_phone") or "",
        value=graded.value, level=graded.level.value, working=graded.formula,
        address=enterprise.address, longitude=enterprise.longitude, latitude=enterprise.latitude,
    )
