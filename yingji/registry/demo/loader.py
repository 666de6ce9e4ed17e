"""Load the demo county into the registry: replace the previous demo rows, bulk-insert, audit per kind.

Idempotent by replacement: every row with is_demo=True is deleted first, then the same seeded records
are inserted again, so a second run leaves the same data (with new primary keys). Rows entered by
people (is_demo=False) are never touched. One audit event per kind, not per row.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from yingji.core import audit
from yingji.core.demo import DemoSection
from yingji.core.demo_accounts import DemoAccount, record_accounts, upsert_demo_user
from yingji.core.models import AdminArea, AuditAction, Department, User
from yingji.core.roles import Role

from ..choices import ExpertSpecialty, HazardCategory
from ..models import (
    Enterprise,
    Equipment,
    Expert,
    MedicalFacility,
    RescueTeam,
    School,
    Shelter,
    StockItem,
    Vehicle,
    Warehouse,
)
from .county import DemoCounty, Record, build_county
from .responders import LEADER_TEAM

# Deletion order: dependants before what they point at.
DEMO_MODELS: tuple[type[models.Model], ...] = (
    StockItem, Warehouse, Vehicle, Equipment, RescueTeam, Expert, Shelter, MedicalFacility, School, Enterprise,
)
REGISTRY_USERNAMES = ("ent_a", "ent_b", "expert", "team_leader")
_REFERENCES = ("area_code", "department", "enterprise", "items")


class _Resolver:
    """Turns a record's natural-key references into model instances."""

    def __init__(self) -> None:
        self.areas = {a.code: a for a in AdminArea.objects.filter(code__startswith="211122")}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.enterprises: dict[str, Enterprise] = {}

    def fields(self, record: Record) -> dict[str, Any]:
        fields = {k: v for k, v in record.items() if k not in _REFERENCES}
        fields["admin_area"] = self.areas[record["area_code"]]
        fields["owner_department"] = self.departments[record["department"]]
        if "enterprise" in record:
            fields["enterprise"] = self.enterprises[record["enterprise"]] if record["enterprise"] else None
        return fields


def _delete_previous() -> dict[str, int]:
    """Unlink the demo accounts from demo enterprises (PROTECT), then delete every is_demo row."""
    User.objects.filter(username__in=REGISTRY_USERNAMES).update(enterprise=None)
    replaced: dict[str, int] = {}
    for model in DEMO_MODELS:
        _, per_model = model.objects.filter(is_demo=True).delete()  # type: ignore[attr-defined]
        replaced[model._meta.label_lower] = per_model.get(model._meta.label, 0)
    return replaced


def _insert(model: type[models.Model], records: list[Record], resolver: _Resolver) -> list[Any]:
    rows = [model(is_demo=True, **resolver.fields(r)) for r in records]
    return model.objects.bulk_create(rows, batch_size=500)  # type: ignore[attr-defined]


def _audit(model: type[models.Model], count: int, replaced: dict[str, int]) -> None:
    label = model._meta.label_lower
    audit.record(AuditAction.IMPORT, actor=None, object_type=label,
                 object_repr=f"演示数据：{model._meta.verbose_name}",
                 after={"count": count, "replaced": replaced.get(label, 0), "demo": True})


def _link_accounts(county: DemoCounty, created: dict[str, list[Any]], *, password: str) -> list[DemoAccount]:
    """ent_a / ent_b (two park firms), expert (a hazmat expert), team_leader (the park hazmat team)."""
    firms = {e.credit_code: e for e in created["enterprises"]}
    producer = next(r for r in county.enterprises if r["hazard_category"] == HazardCategory.PRODUCTION)
    storer = next(r for r in county.enterprises if r["hazard_category"] == HazardCategory.STORAGE)
    expert = next(e for e in created["experts"] if e.specialty == ExpertSpecialty.HAZMAT)
    team = next(t for t in created["teams"] if t.name == LEADER_TEAM)
    accounts = []
    for username, record in (("ent_a", producer), ("ent_b", storer)):
        firm = firms[record["credit_code"]]
        account = DemoAccount(username, Role.ENTERPRISE_OFFICER, firm.safety_officer, f"企业：{firm.name}")
        upsert_demo_user(account, password=password, enterprise=firm)
        accounts.append(account)
    account = DemoAccount("expert", Role.EXPERT, expert.name, f"资源目录；本人专家档案（{expert.name}）")
    expert_user = upsert_demo_user(account, password=password)
    Expert.objects.filter(pk=expert.pk).update(user=expert_user)
    accounts.append(account)
    account = DemoAccount("team_leader", Role.RESCUE_LEADER, team.leader, f"资源目录；本队（{team.name}）")
    leader_user = upsert_demo_user(account, password=password)
    RescueTeam.objects.filter(pk=team.pk).update(leader_user=leader_user)
    accounts.append(account)
    record_accounts(accounts)
    return accounts


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Replace the registry's demo rows with the seeded demo county; needs core's demo part loaded."""
    county = build_county()
    replaced = _delete_previous()
    resolver = _Resolver()
    created: dict[str, list[Any]] = {}
    created["enterprises"] = _insert(Enterprise, county.enterprises, resolver)
    resolver.enterprises = {e.credit_code: e for e in created["enterprises"]}
    for kind, resource in (("schools", School), ("teams", RescueTeam), ("experts", Expert),
                        ("medical", MedicalFacility), ("shelters", Shelter), ("vehicles", Vehicle),
                        ("equipment", Equipment), ("warehouses", Warehouse)):
        created[kind] = _insert(resource, getattr(county, kind), resolver)
    stock = [
        StockItem(warehouse=warehouse, is_demo=True, **item)
        for warehouse, record in zip(created["warehouses"], county.warehouses, strict=True)
        for item in record["items"]
    ]
    created["stock"] = StockItem.objects.bulk_create(stock, batch_size=500)
    section = DemoSection()
    kinds: tuple[tuple[str, type[models.Model]], ...] = (
        ("enterprises", Enterprise), ("schools", School), ("teams", RescueTeam), ("experts", Expert),
        ("medical", MedicalFacility), ("warehouses", Warehouse), ("stock", StockItem), ("shelters", Shelter),
        ("vehicles", Vehicle), ("equipment", Equipment),
    )
    for kind, model in kinds:
        _audit(model, len(created[kind]), replaced)
        section.counts[str(model._meta.verbose_name)] = len(created[kind])
    section.accounts = _link_accounts(county, created, password=password)
    return section
