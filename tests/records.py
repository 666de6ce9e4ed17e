"""Making one record of any registry kind with given owner facts, for tests that walk every spec."""

from __future__ import annotations

from typing import Any

from yingji.registry.models import Enterprise, StockItem
from yingji.registry.resources import ResourceSpec

from . import factories


def has_field(model: type, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def make_record(spec: ResourceSpec, *, enterprise: Any = None, area: Any = None, department: Any = None,
                **extra: Any) -> Any:
    """A record of `spec`'s model owned by the given enterprise/department and located in `area`.

    Owner facts a model does not have are ignored (a school has no enterprise); for StockItem they go
    to its warehouse, which is where its scope rule reads them.
    """
    factory = factories.FACTORIES[spec.model]
    owner = {"admin_area": area, "owner_department": department}
    if spec.model is StockItem:
        return factory(warehouse=factories.WarehouseFactory(enterprise=enterprise, **owner), **extra)
    if spec.model is Enterprise:
        return factory(**owner, **extra)
    if has_field(spec.model, "enterprise"):
        owner["enterprise"] = enterprise
    if area is not None:
        extra.setdefault("longitude", area.longitude)
        extra.setdefault("latitude", area.latitude)
    return factory(**owner, **extra)


def enterprise_linked(spec: ResourceSpec) -> bool:
    """Whether records of this kind can belong to an enterprise (directly, through a warehouse, or being one)."""
    rule = spec.model.scope_rule
    return rule.enterprise is not None
