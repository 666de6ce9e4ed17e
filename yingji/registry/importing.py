"""Importing registry records from CSV (UTF-8 or GBK) and Excel: validate every row, then write all or nothing.

Columns are derived from each ResourceSpec's form fields, so every registry model imports the same
way. Pass one validates (streaming, bounded memory) and builds the row-by-row report; pass two writes
in batches inside one transaction with a single audit event — or nothing at all when the file has
errors, unless the user chose to import only the valid rows.
"""

from __future__ import annotations

import datetime
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from yingji.core import audit, events, tabular
from yingji.core.geo import gcj02_to_wgs84
from yingji.core.models import AdminArea, AreaLevel, AuditAction, Department
from yingji.core.queries import TownshipLocator
from yingji.core.scoping import Principal, ScopeFacts, ScopeRule

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

    def unreadable(self, exc: tabular.TabularError) -> ImportOutcome:
        """The file could not be read at all: one error saying where and why; nothing is written."""
        self.errors.append({"row": exc.row, "column": exc.column, "value": exc.value, "reason": exc.reason})
        self.error_count, self.message = 1, f"文件无法导入：{exc.message}"
        return self

    def checked(self, report: tabular.ValidationReport, *, write: bool, valid_rows_only: bool) -> bool:
        """Take pass one's report; True when pass two may write: not a dry run, and no error unless the user
        chose to import only the valid rows. Otherwise the message says why nothing was written."""
        self.total_rows, self.valid_rows, self.error_count = report.total_rows, report.valid_rows, report.error_count
        self.errors = [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in report.errors]
        if not write:
            self.message = f"试运行：{report.summary()}。未写入任何数据。"
            return False
        if report.error_count and not valid_rows_only:
            self.message = f"{report.summary()}。文件有错误，未写入任何数据；请修改后重新导入，或选择“仅导入有效行”。"
            return False
        return True


def _choice_mapping(f: models.Field) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for value, label in f.choices or ():
        mapping[str(label)] = value
        mapping[str(value)] = value
    return mapping


def _memo_exact(parse: Callable[[str], Any], spellings: Iterable[str]) -> Callable[[str], Any]:
    """The same parser, with the usual spellings answered from a dict (skips NFKC folding on every cell)."""
    known = {s: parse(s) for s in spellings}

    def fast(s: str) -> Any:
        return known[s] if s in known else parse(s)

    return fast


def _parser_for(f: models.Field) -> Callable[[str], Any]:
    kind = f.get_internal_type()
    if f.choices:
        mapping = _choice_mapping(f)
        return _memo_exact(tabular.choice(mapping, what=str(f.verbose_name)), mapping)
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
        return _memo_exact(tabular.yes_no(), ("是", "否"))
    if kind == "DateField":
        return tabular.date()
    return tabular.text(getattr(f, "max_length", None))


def columns_for(spec: ResourceSpec) -> list[tabular.Column]:
    """One import column per form field; the header is the field's Chinese name, the field name also works."""
    columns = []
    for name in spec.form_fields:
        f = spec.field(name)
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
        for pk, code, name, _level in sorted(areas, key=lambda a: -a[3]):
            self.areas[name] = (pk, code)  # townships overwrite same-named villages: they sort last
            self.areas[code] = (pk, code)
        self.departments = {k: pk for pk, code, name in Department.objects.values_list("id", "code", "name")
                            for k in (code, name)}
        self.enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
        self.enterprises.update(Enterprise.objects.values_list("name", "id"))
        self.townships = TownshipLocator()
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
        self._warehouse_owners: dict[int, tuple[int | None, int | None, str | None]] | None = None

    def __call__(self, values: dict[str, Any]) -> list[tuple[tabular.Column | str | None, str]]:
        problems: list[tuple[tabular.Column | str | None, str]] = []
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
            lon, lat = gcj02_to_wgs84(values["longitude"], values["latitude"])
            values["longitude"], values["latitude"] = round(lon, 6), round(lat, 6)
        if (values.get("longitude") is None) != (values.get("latitude") is None):
            problems.append(("longitude", "经度和纬度须同时填写"))
        elif "admin_area" in self.model_fields and not values.get("admin_area") and values.get("longitude") is not None:
            # No township given: take the one the point lies in, as the services do for single records.
            located = self.lookups.townships.locate(values["longitude"], values["latitude"])
            if located is not None:
                values["admin_area"], area_code = located
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
        """The row's owner facts as facts_of() would read them from the record once written."""
        rule: ScopeRule = self.spec.model.scope_rule  # type: ignore[attr-defined]
        if rule.enterprise is not None and rule.enterprise.startswith("warehouse__"):
            # Stock is owned through its warehouse: judge the row by the warehouse it names.
            enterprise, department, area_code = self._warehouse_owner(values.get("warehouse"))
        else:
            department = values.get("owner_department") or getattr(self.actor, "department_id", None)
            # A new Enterprise row is no existing enterprise, and kinds without an enterprise link have none.
            enterprise = None if rule.enterprise in (None, "pk") else (
                values.get("enterprise") or getattr(self.actor, "enterprise_id", None))
        return ScopeFacts(kind=self.kind, department_id=department, area_code=area_code, enterprise_id=enterprise)

    def _warehouse_owner(self, warehouse_id: int | None) -> tuple[int | None, int | None, str | None]:
        if self._warehouse_owners is None:
            self._warehouse_owners = {
                pk: (enterprise, department, area) for pk, enterprise, department, area in
                Warehouse.objects.values_list("pk", "enterprise_id", "owner_department_id", "admin_area__code")
            }
        return self._warehouse_owners.get(warehouse_id, (None, None, None)) if warehouse_id else (None, None, None)


def _existing_keys(spec: ResourceSpec) -> set[str]:
    if not spec.natural_key:
        return set()
    return {str(v) for v in spec.model._default_manager.values_list(spec.natural_key, flat=True)}


class _Spool:
    """The valid rows of pass one, as parsed and resolved, pickled in batches to a temporary file.

    Pass two writes from here instead of reading and validating the upload a second time: memory stays
    bounded (one batch) and the work per row is done once. The file is ours and lives only during the import.
    """

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115 - closed by close()
        self._batch: list[dict[str, Any]] = []

    def add(self, row_number: int, values: dict[str, Any]) -> None:
        self._batch.append(values)
        if len(self._batch) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - our own temporary file, written above
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


# Field types whose get_db_prep_save() returns a value of this Python type unchanged, on SQLite and PostgreSQL.
_PASS_THROUGH: dict[str, type] = {
    "CharField": str, "TextField": str, "SlugField": str, "EmailField": str, "URLField": str,
    "IntegerField": int, "PositiveIntegerField": int, "PositiveSmallIntegerField": int, "SmallIntegerField": int,
    "BigIntegerField": int, "PositiveBigIntegerField": int, "AutoField": int, "BigAutoField": int,
    "FloatField": float, "BooleanField": bool,
}
_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


class _Inserter:
    """Write rows with one prepared INSERT per batch (executemany): what bulk_create stores, minus its overhead.

    bulk_create builds a model instance per row and a statement of 999 parameters at most on SQLite,
    preparing every value through the field API; at 100 000 rows that was most of the import. Here each
    value goes through the same field.get_db_prep_save() unless it already is the type the field stores,
    defaults come from field.get_default(), auto_now(_add) fields get the time of the batch. Models with
    anything more exotic (custom pre_save, placeholders, db defaults) fall back to bulk_create.
    """

    def __init__(self, spec: ResourceSpec, actor: Any) -> None:
        self.model = spec.model
        concrete = list(spec.model._meta.concrete_fields)
        names = {f.name for f in concrete}
        self.owner_default = getattr(actor, "department_id", None) if "owner_department" in names else None
        self.enterprise_default = getattr(actor, "enterprise_id", None) if "enterprise" in names else None
        self.attnames = {f.name: f.attname for f in concrete if f.is_relation}
        self.fields = [f for f in concrete if not (f.primary_key and getattr(f, "db_returning", False))]
        self.raw = all(
            type(f).pre_save in _PLAIN_PRE_SAVE and not hasattr(f, "get_placeholder")
            and not getattr(f, "generated", False) and f.db_default is models.NOT_PROVIDED
            for f in self.fields
        )
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(spec.model._meta.db_table), ", ".join(quote(str(f.column)) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )

    def _plan(self) -> list[tuple[str, Any, Any, Callable[..., Any]]]:
        """Per field: its key in the row, the fixed value (auto_now) or default, and how to prepare a value."""
        plan: list[tuple[str, Any, Any, Callable[..., Any]]] = []
        for f in self.fields:
            kind = (getattr(f, "target_field", f) if f.is_relation else f).get_internal_type()
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                now = timezone.now() if isinstance(f, models.DateTimeField) else datetime.date.today()
                plan.append(("", f.get_db_prep_save(now, connection), None, f.get_db_prep_save))
                continue
            default: Any
            if f.name == "owner_department":
                default = self.owner_default
            elif f.name == "enterprise" and self.enterprise_default:
                default = self.enterprise_default
            else:
                default = f.get_default if f.has_default() and callable(f.default) else f.get_default()
            plan.append((f.name, _PASS_THROUGH.get(kind), default, f.get_db_prep_save))
        return plan

    def write(self, batch: list[dict[str, Any]]) -> None:
        if not self.raw:
            self.model._default_manager.bulk_create([self._instance(values) for values in batch])
            return
        plan = self._plan()
        params = []
        for values in batch:
            row = []
            for name, kind, default, prep in plan:
                if not name:
                    row.append(kind)  # auto_now: the batch's time, already prepared
                    continue
                v = values.get(name)
                if v is None:
                    v = default() if callable(default) else default
                if v is not None and type(v) is not kind:
                    v = prep(v, connection)
                row.append(v)
            params.append(row)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)

    def _instance(self, values: dict[str, Any]) -> models.Model:
        data = {self.attnames.get(k, k): v for k, v in values.items() if v is not None}
        if "owner_department_id" in self.attnames.values() and "owner_department_id" not in data:
            data["owner_department_id"] = self.owner_default
        if "enterprise_id" in self.attnames.values() and "enterprise_id" not in data and self.enterprise_default:
            data["enterprise_id"] = self.enterprise_default
        return self.model(**data)


def import_file(
    spec: ResourceSpec,
    upload: BinaryIO,
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
    spool = None if dry_run else _Spool()
    try:
        return _validate_and_write(spec, upload, filename, outcome, columns, lookups, existing, spool, actor=actor,
                                   valid_rows_only=valid_rows_only, sheet=sheet, crs=crs, progress=progress)
    finally:
        if spool is not None:
            spool.close()


def _validate_and_write(
    spec: ResourceSpec, upload: BinaryIO, filename: str, outcome: ImportOutcome, columns: list[tabular.Column],
    lookups: _Lookups, existing: set[str], spool: _Spool | None, *, actor: Any, valid_rows_only: bool,
    sheet: str | None, crs: str, progress: Progress | None,
) -> ImportOutcome:
    try:
        with tabular.read_rows(upload, filename, sheet=sheet, max_bytes=settings.YINGJI_IMPORT_MAX_BYTES) as reader:
            report = tabular.validate_table(
                reader, columns, row_validator=_RowChecker(spec, actor, lookups, existing, crs), keep_rows=False,
                progress=(lambda n: progress("validate", n)) if progress else None,
                on_valid_row=spool.add if spool is not None else None,
            )
    except tabular.TabularError as exc:
        return outcome.unreadable(exc)
    if not outcome.checked(report, write=spool is not None, valid_rows_only=valid_rows_only):
        return outcome
    assert spool is not None  # checked() allows writing only with a spool (not a dry run)
    outcome.written = _write(spec, spool, filename, actor, progress)
    outcome.message = f"{report.summary()}。已导入 {outcome.written} 行。"
    return outcome


@transaction.atomic
def _write(spec: ResourceSpec, spool: _Spool, filename: str, actor: Any, progress: Progress | None) -> int:
    """Pass two: the rows validated in pass one, in batches, inside one transaction with one audit event."""
    written = 0
    inserter = _Inserter(spec, actor)
    for batch in spool.batches():
        inserter.write(batch)
        written += len(batch)
        if progress:
            progress("write", written)
    if progress:
        progress("write", written)
    audit.record(
        AuditAction.IMPORT, actor=actor, object_type=spec.model._meta.label_lower,
        object_repr=f"导入{spec.label_plural} {written} 行（{filename}）", after={"file": filename, "rows": written},
    )
    events.publish(
        f"{spec.model._meta.label_lower}.imported", {"kind": spec.model._meta.label_lower, "count": written},
        scope=ScopeFacts(kind=spec.model._meta.label_lower, department_id=getattr(actor, "department_id", None),
                         enterprise_id=getattr(actor, "enterprise_id", None)),
    )
    return written
