"""The stored chemical catalogue: seeding from the standard's data, lookups for grading, users' entries.

Grading stays pure: `current_catalogue()` turns the stored entries into a `substances.Catalogue` that the
services and the evaluate endpoint pass to `grading.evaluate_unit`, so users' entries are graded too.

Seeding is a loader run after every ``migrate`` (``post_migrate``, see ``apps.py``), not a data migration:
the standard's entries follow ``substances.py`` release after release (a corrected Q or CAS number lands on
the next ``migrate`` with no new migration), while what users changed (aliases added, properties corrected)
is kept. Physical properties and thresholds (``properties.py``) are written only when an entry is created.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import Field, ProtectedError

from yingji.core import audit
from yingji.core.models import AuditAction
from yingji.core.scoping import Principal, ScopeFacts

from .constants import HazmatAudit
from .models import Chemical, UnitInventory
from .properties import ENTRY_SOURCES, PROPERTIES, SOURCES
from .substances import (
    SUBSTANCES,
    Catalogue,
    PhysicalState,
    Substance,
    UnknownCategory,
    normalize_category,
    normalize_key,
)

CATALOGUE_KIND = "hazmat.chemical"  # a department supervising this kind edits the catalogue
GRADING_FIELDS = ("name", "name_en", "cas_numbers", "state", "table1_q", "toxic_gas_beta", "categories",
                  "selectable_categories")
PROPERTY_FIELDS = ("molar_mass_g_mol", "lel_percent", "uel_percent", "flash_point_c", "aegl1_ppm", "aegl2_ppm",
                   "aegl3_ppm", "erpg1_ppm", "erpg2_ppm", "erpg3_ppm", "idlh_ppm", "pc_twa_mg_m3", "pc_stel_mg_m3",
                   "mac_mg_m3", "pac1", "pac2", "pac3")
EDITABLE_FIELDS = (*GRADING_FIELDS, "aliases", "un_numbers", "note", *PROPERTY_FIELDS, "pac_unit", "sources")
# The key of `sources` that must name where a property came from.
SOURCE_KEY = {**{f: f for f in PROPERTY_FIELDS}, "aegl1_ppm": "aegl", "aegl2_ppm": "aegl", "aegl3_ppm": "aegl",
              "erpg1_ppm": "erpg", "erpg2_ppm": "erpg", "erpg3_ppm": "erpg", "pc_twa_mg_m3": "oel",
              "pc_stel_mg_m3": "oel", "mac_mg_m3": "oel", "pac1": "pac", "pac2": "pac", "pac3": "pac"}
USER_TOXIC_GAS_BETA = (2.0, 4.0)  # GB 18218-2018 table 3: other toxic gas 2, other highly toxic gas 4
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_UN = re.compile(r"^\d{4}$")


# --- the stored entries as grading sees them -------------------------------------------------------
def to_substance(chemical: Chemical) -> Substance:
    """The pure entry grading works with."""
    return Substance(
        name=chemical.name, name_en=chemical.name_en, state=PhysicalState(chemical.state),
        cas=tuple(chemical.cas_numbers), un=tuple(chemical.un_numbers), aliases=tuple(chemical.aliases),
        table1_q=chemical.table1_q, toxic_gas_beta=chemical.toxic_gas_beta, categories=tuple(chemical.categories),
        selectable=tuple(chemical.selectable_categories), qualified_only=tuple(chemical.qualified_only),
        note=chemical.note,
    )


def current_catalogue() -> Catalogue:
    """Every stored entry (the standard's first), indexed for lookup: one query."""
    return Catalogue(tuple(to_substance(c) for c in Chemical.objects.all()))


def search_chemicals(query: str) -> list[Chemical]:
    """Entries whose name, alias, English name, CAS or UN number contains the query, exact matches first."""
    chemicals = {c.name: c for c in Chemical.objects.all()}
    catalogue = Catalogue(tuple(to_substance(c) for c in chemicals.values()))
    return [chemicals[s.name] for s in catalogue.search(query)]


def chemical_for(ref: str, catalogue: Catalogue | None = None) -> Chemical:
    """The stored entry for a name, alias, English name or CAS number.

    :raises LookupError: unknown or ambiguous (the message says which and why).
    """
    substance = (catalogue or current_catalogue()).find(ref)
    return Chemical.objects.get(name=substance.name)


# --- seeding -------------------------------------------------------------------------------------------
def _search_text(chemical: Chemical) -> str:
    keys = (chemical.name, chemical.name_en, *chemical.aliases, *chemical.cas_numbers, *chemical.un_numbers)
    return " ".join(normalize_key(k) for k in keys if k)


def _standard_fields(substance: Substance) -> dict[str, Any]:
    return {"name_en": substance.name_en, "cas_numbers": list(substance.cas), "un_numbers": list(substance.un),
            "state": substance.state.value, "table1_q": substance.table1_q,
            "toxic_gas_beta": substance.toxic_gas_beta, "categories": list(substance.categories),
            "selectable_categories": list(substance.selectable), "qualified_only": list(substance.qualified_only),
            "note": substance.note}


def _seed_properties(chemical: Chemical, name: str) -> None:
    props = PROPERTIES.get(name)
    if props is None:
        return
    values: dict[str, float | None] = {
        "molar_mass_g_mol": props.molar_mass_g_mol, "lel_percent": props.lel_percent,
        "uel_percent": props.uel_percent, "flash_point_c": props.flash_point_c, "idlh_ppm": props.idlh_ppm,
        "pc_twa_mg_m3": props.pc_twa_mg_m3, "pc_stel_mg_m3": props.pc_stel_mg_m3, "mac_mg_m3": props.mac_mg_m3,
    }
    for prefix, levels in (("aegl", props.aegl_ppm), ("erpg", props.erpg_ppm)):
        for i, value in enumerate(levels or (None, None, None)):
            values[f"{prefix}{i + 1}_ppm"] = value
    for i, value in enumerate(props.pac or (None, None, None)):
        values[f"pac{i + 1}"] = value
    for field, value in values.items():
        setattr(chemical, field, value)
    chemical.pac_unit = props.pac_unit
    sources = {**SOURCES, **ENTRY_SOURCES.get(name, {})}
    chemical.sources = {SOURCE_KEY[f]: sources[SOURCE_KEY[f]] for f, v in values.items() if v is not None}


@transaction.atomic
def sync_standard(using: str = "default") -> dict[str, int]:
    """Create the standard's missing entries and bring the others' identity and grading fields in line with
    `substances.py`; users' aliases and properties are kept. Idempotent; one audit event when anything changed."""
    existing = {c.name: c for c in Chemical.objects.using(using).filter(name__in=[s.name for s in SUBSTANCES])}
    created = updated = 0
    for substance in SUBSTANCES:
        chemical = existing.get(substance.name)
        fields = _standard_fields(substance)
        if chemical is None:
            chemical = Chemical(name=substance.name, aliases=list(substance.aliases), is_standard=True, **fields)
            _seed_properties(chemical, substance.name)
            created += 1
        else:
            aliases = list(dict.fromkeys([*substance.aliases, *chemical.aliases]))
            if (all(getattr(chemical, k) == v for k, v in fields.items()) and chemical.aliases == aliases
                    and chemical.is_standard):
                continue
            for key, value in fields.items():
                setattr(chemical, key, value)
            chemical.aliases, chemical.is_standard = aliases, True
            updated += 1
        chemical.search_text = _search_text(chemical)
        chemical.save(using=using)
    if created or updated:
        audit.record(HazmatAudit.CATALOGUE_SYNC, actor=None, object_type="hazmat.chemical",
                     object_repr="GB 18218-2018 内置危险化学品目录", after={"created": created, "updated": updated})
    return {"created": created, "updated": updated}


def sync_on_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: seed the catalogue once its table exists (not after a migration back past it)."""
    if Chemical._meta.db_table in connections[using].introspection.table_names():
        sync_standard(using)


# --- users' entries ------------------------------------------------------------------------------------
def may_edit_catalogue(user: Any) -> bool:
    """County administrators and departments that supervise the catalogue (``hazmat.chemical``)."""
    principal = Principal.of(user)
    if principal.role == "enterprise_officer":
        return False
    return principal.may_change(ScopeFacts(kind=CATALOGUE_KIND))


def _ensure_editor(actor: Any) -> None:
    if not may_edit_catalogue(actor):
        raise PermissionDenied("只有县级管理员或主管危险化学品目录的部门可以维护目录")


def _cas_ok(cas: str) -> bool:
    match = _CAS.fullmatch(cas)
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(match.group(3))


def _label(name: str) -> str:
    return str(getattr(Chemical._meta.get_field(name), "verbose_name", name))


def _default(name: str) -> Any:
    field = Chemical._meta.get_field(name)
    return field.get_default() if isinstance(field, Field) else None


def _check_lists(chemical: Chemical, errors: dict[str, list[str]]) -> None:
    for cas in chemical.cas_numbers:
        if not isinstance(cas, str) or not _cas_ok(cas.strip()):
            errors.setdefault("cas_numbers", []).append(f"CAS 号“{cas}”格式或校验位不正确（例：7782-50-5）")
    for un in chemical.un_numbers:
        if not isinstance(un, str) or not _UN.fullmatch(un.strip()):
            errors.setdefault("un_numbers", []).append(f"UN 号“{un}”应为4位数字（例：1017）")
    catalogue = current_catalogue()
    for field, keys in (("name", [chemical.name]), ("name_en", [chemical.name_en] if chemical.name_en else []),
                        ("aliases", chemical.aliases), ("cas_numbers", chemical.cas_numbers)):
        for key in keys:
            others = [s.name for s in catalogue.taken(str(key)) if s.name != chemical.name]
            clash = field != "cas_numbers" or not chemical.is_standard
            if others and clash:
                errors.setdefault(field, []).append(f"“{key}”已用于目录条目“{'、'.join(others)}”")


def _check_grading(chemical: Chemical, errors: dict[str, list[str]]) -> None:
    for field in ("categories", "selectable_categories"):
        codes = []
        for code in getattr(chemical, field):
            try:
                codes.append(normalize_category(str(code)))
            except UnknownCategory as exc:
                errors.setdefault(field, []).append(str(exc))
        setattr(chemical, field, codes)
    if chemical.is_standard:
        return
    if chemical.table1_q is not None:
        errors.setdefault("table1_q", []).append("表1临界量只适用于标准所列物质：新增条目按表2危险性类别确定临界量")
    if chemical.toxic_gas_beta is not None and chemical.toxic_gas_beta not in USER_TOXIC_GAS_BETA:
        errors.setdefault("toxic_gas_beta", []).append("表3校正系数只能为 2（其他毒性气体）或 4（其他剧毒气体）")
    if not chemical.categories and not chemical.selectable_categories and "categories" not in errors:
        errors.setdefault("categories", []).append("请填写 GB 18218-2018 表2 危险性类别（如 W5.3），据此确定临界量")


def _check_properties(chemical: Chemical, errors: dict[str, list[str]]) -> None:
    for field in PROPERTY_FIELDS:
        value = getattr(chemical, field)
        if value is None:
            continue
        label = _label(field)
        if not isinstance(value, int | float) or not math.isfinite(value):
            errors.setdefault(field, []).append(f"{label}必须是有限的数")
        elif value < 0 and field != "flash_point_c":
            errors.setdefault(field, []).append(f"{label}不能为负数：{value}")
        elif not str(chemical.sources.get(SOURCE_KEY[field], "")).strip():
            errors.setdefault(f"sources.{SOURCE_KEY[field]}", []).append(f"请注明{label}的数据来源")
    lel, uel = chemical.lel_percent, chemical.uel_percent
    if lel is not None and uel is not None and isinstance(lel, float | int) and isinstance(uel, float | int) \
            and lel >= uel:
        errors.setdefault("uel_percent", []).append(f"爆炸上限 {uel}% 应大于爆炸下限 {lel}%")
    for prefix, suffix in (("aegl", "_ppm"), ("erpg", "_ppm"), ("pac", "")):
        levels = [getattr(chemical, f"{prefix}{i}{suffix}") for i in (1, 2, 3)]
        given = [v for v in levels if isinstance(v, int | float)]
        if given != sorted(given):
            errors.setdefault(f"{prefix}3{suffix}", []).append(f"{prefix.upper()}-1 ≤ -2 ≤ -3 应逐级增大")


def _validated(chemical: Chemical) -> None:
    errors: dict[str, list[str]] = {}
    chemical.name = chemical.name.strip()
    if not chemical.name:
        errors["name"] = ["请填写中文名称"]
    for field in ("aliases", "cas_numbers", "un_numbers", "categories", "selectable_categories"):
        value = getattr(chemical, field)
        if not isinstance(value, list):
            errors.setdefault(field, []).append("应为列表")
            setattr(chemical, field, [])
    if not isinstance(chemical.sources, dict):
        errors.setdefault("sources", []).append("应为 {字段: 来源} 对象")
        chemical.sources = {}
    _check_lists(chemical, errors)
    _check_grading(chemical, errors)
    _check_properties(chemical, errors)
    if errors:
        raise ValidationError(errors)
    chemical.full_clean()
    chemical.search_text = _search_text(chemical)


@transaction.atomic
def create_chemical(data: Mapping[str, Any], *, actor: Any) -> Chemical:
    """Add a user's entry: Q and β by its table-2 categories, properties each with a source (audited)."""
    _ensure_editor(actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: ["不可填写的字段"] for f in sorted(unknown)})
    chemical = Chemical(**{k: v for k, v in data.items() if v is not None})
    _validated(chemical)
    chemical.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, chemical, actor=actor, before=None)
    return chemical


@transaction.atomic
def update_chemical(chemical: Chemical, data: Mapping[str, Any], *, actor: Any) -> Chemical:
    """Change an entry; a standard entry's identity and grading fields follow GB 18218 and are refused."""
    _ensure_editor(actor)
    errors = {f: ["不可修改的字段"] for f in data if f not in EDITABLE_FIELDS}
    if chemical.is_standard:
        errors |= {f: ["GB 18218 内置条目的标识和分级数据随标准更新，不能修改"] for f in data if f in GRADING_FIELDS}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(chemical)
    nullable = (*PROPERTY_FIELDS, "table1_q", "toxic_gas_beta")
    for key, value in data.items():
        setattr(chemical, key, value if value is not None or key in nullable else _default(key))
    _validated(chemical)
    chemical.save()
    audit.record_change(AuditAction.UPDATE, chemical, actor=actor, before=before)
    return chemical


@transaction.atomic
def delete_chemical(chemical: Chemical, *, actor: Any) -> None:
    """Remove a user's entry nobody uses; the standard's entries cannot be deleted."""
    _ensure_editor(actor)
    if chemical.is_standard:
        raise ValidationError({"chemical": ["GB 18218 内置条目不能删除"]})
    if UnitInventory.objects.filter(substance=chemical.name).exists():
        raise ValidationError({"chemical": [f"“{chemical.name}”已登记在危险化学品单元中，不能删除"]})
    before, pk = audit.snapshot(chemical), chemical.pk
    try:
        chemical.delete()
    except ProtectedError as exc:
        used = f"“{chemical.name}”已用于台账（流向、批次、盘点或运单），不能删除"
        raise ValidationError({"chemical": [used]}) from exc
    chemical.pk = pk
    audit.record_change(AuditAction.DELETE, chemical, actor=actor, before=before)
