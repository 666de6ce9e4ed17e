"""Every registry model in the Django admin; saves and deletes go through the audited services."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from yingji.core.admin_base import ServiceBackedAdmin

from . import services
from .resources import SPECS


class RegistryAdmin(ServiceBackedAdmin):
    """Registry records through the generic registry services."""

    list_select_related = True

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> models.Model:
        return services.create_record(self.model, data, actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> models.Model:
        return services.update_record(obj, data, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        services.delete_record(obj, actor=actor)


for _spec in SPECS:
    admin.site.register(
        _spec.model,
        type(
            f"{_spec.model.__name__}Admin",
            (RegistryAdmin,),
            {
                "list_display": _spec.list_fields,
                "search_fields": _spec.search_fields,
                "list_filter": tuple(f for f in _spec.filter_fields if f != "warehouse"),
                "raw_id_fields": tuple(
                    f.name for f in _spec.model._meta.concrete_fields if f.is_relation and f.name != "owner_department"
                ),
            },
        ),
    )
