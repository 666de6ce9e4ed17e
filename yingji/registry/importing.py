"""Importing registry records from CSV (UTF-8 or GBK) and Excel: validate every row, then write all or nothing.

Columns are derived from each ResourceSpec's form fields, so every registry model imports the same
way. Pass one validates (streaming, bounded memory) and builds the row-by-row report; pass two writes
in batches inside one transaction with a single audit event — or nothing at all when the file has
errors, unless the user chose to import only the valid rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction

from yingji.core import audit, events, tabular
from yingji.core.geo import gcj02_to_wgs84
from yingji.core.models import AdminArea, AreaLevel, AuditAction, Department
from yingji.core.scoping import Principal, ScopeFacts

from .models import Enterprise, Warehouse
from .resources import ResourceSpec

BATCH_SIZE = 2000
Progress = Callable[[str, int], None]


@dataclass
class ImportOutcome:
    """What an import did (or would do): counts, the first errors row by row, a summary in Chinese."""

    dry_run: bool
    total_rows: int = 0
    valid_rows: int = 0
    error_count: int = 0
    written: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


def _choice_mapping(f: models.Field) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for value, label in f.choices or ():
        mapping[str(label)] = value
        mapping[str(value)] = value
    return mapping


def _parser_for(f: models.Field) -> Callable[[str], Any]:
    kind = f.get_internal_type()
    if f.choices:
        return tabular.choice(_choice_mapping(f), what=str(f.verbose_name))
    if f.name == "credit_code":
        return tabular.credit_code()
    if "phone" in f.name:
        return tabular.phone()
    if f.name == "longitude":
        return tabular.longitude()
    if f.name == "latitude":
        return tabular.latitude()
    if kind in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
        return tabular.integer(0 if kind.startswith("Positive") else None)
    if kind == "FloatField":
        return tabular.floating(0)
    if kind == "DecimalField":
        return tabular.decimal(0)
    if kind == "BooleanField":
        return tabular.yes_no()
    if kind == "DateField":
        return tabular.date()
    return tabular.text(getattr(f, "max_length", None))


def columns_for(spec: ResourceSpec) -> list[tabular.Column]:
    """One import column per form field; the header is the field's Chinese name, the field name also works."""
    columns = []
    for name in spec.form_fields:
        f = spec.model._meta.get_field(name)
        required = not f.blank and not f.has_default() and not f.null
        parse = tabular.text(200) if f.is_relation else _parser_for(f)
        columns.append(tabular.Column(header=str(f.verbose_name), field=name, parse=parse, required=required,
                                      aliases=(name,)))
    return columns


class _Lookups:
    """Foreign keys in a sheet are written by name or code; resolve them once per import."""

    def __init__(self) -> None:
        areas = AdminArea.objects.filter(level__gte=AreaLevel.TOWNSHIP).values_list("id", "code", "name", "level")
        self.areas: dict[str, tuple[int, str]] = {}
        for pk, code, name, level in sorted(areas, key=lambda a: -a[3]):
            self.areas[name] = (pk, code)  # townships overwrite same-named villages: they sort last
            self.areas[code] = (pk, code)
        self.departments = {k: pk for pk, code, name in Department.objects.values_list("id", "code", "name")
                            for k in (code, name)}
        self.enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
        self.enterprises.update(Enterprise.objects.values_list("name", "id"))
        self.warehouses = dict(Warehouse.objects.values_list("name", "id"))


class _RowChecker:
    """Cross-column checks of one row: references exist, the key is new, the actor may own the row."""

    def __init__(self, spec: ResourceSpec, actor: Any, lookups: _Lookups, existing_keys: set[str], crs: str) -> None:
        self.spec, self.actor, self.lookups, self.crs = spec, actor, lookups, crs
        self.principal = Principal.of(actor)
        self.existing_keys = existing_keys
        self.seen: set[str] = set()
        self.kind = spec.model._meta.label_lower
        self.model_fields = {f.name for f in spec.model._meta.concrete_fields}

    def __call__(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        problems: list[tuple[str | None, str]] = []
        area_code = None
        for name, table, what in (
            ("admin_area", self.lookups.areas, "乡镇/村"),
            ("owner_department", self.lookups.departments, "部门"),
            ("enterprise", self.lookups.enterprises, "企业（名称或统一社会信用代码）"),
            ("warehouse", self.lookups.warehouses, "仓库"),
        ):
            raw = values.get(name)
            if name not in values or raw in (None, ""):
                continue
            found = table.get(raw)
            if found is None:
                problems.append((name, f"未知的{what}：{raw}"))
                continue
            if name == "admin_area":
                values[name], area_code = found  # type: ignore[misc]
            else:
                values[name] = found
        if self.crs == "gcj02" and values.get("longitude") is not None and values.get("latitude") is not None:
            values["longitude"], values["latitude"] = (round(v, 6) for v in gcj02_to_wgs84(values["longitude"], values["latitude"]))
        if (values.get("longitude") is None) != (values.get("latitude") is None):
            problems.append(("longitude", "经度和纬度须同时填写"))
        if "capacity" in values and "occupancy" in values and (values["occupancy"] or 0) > (values["capacity"] or 0):
            problems.append(("occupancy", f"安置人数 {values['occupancy']} 超过容纳人数 {values['capacity']}"))
        key_field = self.spec.natural_key
        if key_field and values.get(key_field):
            key = str(values[key_field])
            if key in self.existing_keys:
                problems.append((key_field, f"{key} 已登记，不能重复导入"))
            elif key in self.seen:
                problems.append((key_field, f"{key} 在文件中重复出现（与前面的行重复）"))
            else:
                self.seen.add(key)
        if not problems and not self.principal.may_change(self._facts(values, area_code)):
            problems.append((None, "超出您的数据权限范围（部门、区域或企业不符）"))
        return problems

    def _facts(self, values: dict[str, Any], area_code: str | None) -> ScopeFacts:
        department = values.get("owner_department") or getattr(self.actor, "department_id", None)
        enterprise = values.get("enterprise") or getattr(self.actor, "enterprise_id", None)
        return ScopeFacts(kind=self.kind, department_id=department, area_code=area_code, enterprise_id=enterprise)


def _existing_keys(spec: ResourceSpec) -> set[str]:
    if not spec.natural_key:
        return set()
    return {str(v) for v in spec.model.objects.values_list(spec.natural_key, flat=True)}


def _instances(spec: ResourceSpec, rows: Iterable[tuple[int, dict[str, Any]]], actor: Any) -> Iterable[models.Model]:
    relations = {f.name: f.attname for f in spec.model._meta.concrete_fields if f.is_relation}
    has_owner = "owner_department" in {f.name for f in spec.model._meta.concrete_fields}
    for _, values in rows:
        data = {relations.get(k, k): v for k, v in values.items() if v is not None}
        if has_owner and "owner_department_id" not in data:
            data["owner_department_id"] = getattr(actor, "department_id", None)
        if "enterprise_id" in relations.values() and "enterprise_id" not in data and getattr(actor, "enterprise_id", None):
            data["enterprise_id"] = actor.enterprise_id
        yield spec.model(**data)


def import_file(
    spec: ResourceSpec,
    upload: IO[bytes],
    filename: str,
    *,
    actor: Any,
    dry_run: bool = True,
    valid_rows_only: bool = False,
    sheet: str | None = None,
    crs: str = "wgs84",
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate a file row by row and, unless a dry run, write its rows in one transaction."""
    outcome = ImportOutcome(dry_run=dry_run)
    columns = columns_for(spec)
    lookups, existing = _Lookups(), _existing_keys(spec)
    if crs not in ("wgs84", "gcj02"):
        outcome.errors.append({"row": None, "column": "坐标系", "value": crs, "reason": "坐标系只能是 wgs84 或 gcj02"})
        outcome.error_count, outcome.message = 1, "坐标系无效，未导入"
        return outcome
    try:
        with tabular.read_rows(upload, filename, sheet=sheet, max_bytes=settings.YINGJI_IMPORT_MAX_BYTES) as reader:
            report = tabular.validate_table(
                reader, columns, row_validator=_RowChecker(spec, actor, lookups, existing, crs), keep_rows=False,
                progress=(lambda n: progress("validate", n)) if progress else None,
            )
    except tabular.TabularError as exc:
        outcome.errors.append({"row": exc.row, "column": exc.column, "value": exc.value, "reason": exc.reason})
        outcome.error_count, outcome.message = 1, f"文件无法导入：{exc.message}"
        return outcome
    outcome.total_rows, outcome.valid_rows, outcome.error_count = report.total_rows, report.valid_rows, report.error_count
    outcome.errors = [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in report.errors]
    if dry_run:
        outcome.message = f"试运行：{report.summary()}。未写入任何数据。"
        return outcome
    if report.error_count and not valid_rows_only:
        outcome.message = f"{report.summary()}。文件有错误，未写入任何数据；请修改后重新导入，或选择“仅导入有效行”。"
        return outcome
    upload.seek(0)
    outcome.written = _write(spec, upload, filename, sheet, columns, actor, lookups, existing, crs, progress)
    outcome.message = f"{report.summary()}。已导入 {outcome.written} 行。"
    return outcome


@transaction.atomic
def _write(
    spec: ResourceSpec, upload: IO[bytes], filename: str, sheet: str | None, columns: list[tabular.Column],
    actor: Any, lookups: _Lookups, existing: set[str], crs: str, progress: Progress | None,
) -> int:
    written = 0
    with tabular.read_rows(upload, filename, sheet=sheet, max_bytes=settings.YINGJI_IMPORT_MAX_BYTES) as reader:
        rows = tabular.iter_valid_rows(reader, columns, row_validator=_RowChecker(spec, actor, lookups, existing, crs))
        batch: list[models.Model] = []
        first_id = None
        for obj in _instances(spec, rows, actor):
            batch.append(obj)
            if len(batch) >= BATCH_SIZE:
                spec.model.objects.bulk_create(batch)
                written += len(batch)
                batch = []
                if progress:
                    progress("write", written)
        if batch:
            spec.model.objects.bulk_create(batch)
            written += len(batch)
    if progress:
        progress("write", written)
    first_id = spec.model.objects.order_by("-pk").values_list("pk", flat=True)[written - 1 : written].first() if written else None
    audit.record(
        AuditAction.IMPORT, actor=actor, object_type=spec.model._meta.label_lower, object_id=first_id or "",
        object_repr=f"导入{spec.label_plural} {written} 行（{filename}）", after={"file": filename, "rows": written},
    )
    events.publish(
        f"{spec.model._meta.label_lower}.imported", {"kind": spec.model._meta.label_lower, "count": written},
        scope=ScopeFacts(kind=spec.model._meta.label_lower, department_id=getattr(actor, "department_id", None),
                         enterprise_id=getattr(actor, "enterprise_id", None)),
    )
    return written
