"""Hazmat records in the Django admin; saves and deletes go through the audited (and regrading) services."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core.admin_base import ScopedAdmin, ServiceBackedAdmin

from . import services
from .models import HazardUnit, Tank, UnitInventory


class InventoryInline(admin.TabularInline):
    """Read-only here: inventory changes regrade the unit, so they go through the API or the services."""

    model = UnitInventory
    extra = 0
    can_delete = False
    readonly_fields = ("substance", "category", "max_quantity_t")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HazardUnit)
class HazardUnitAdmin(ServiceBackedAdmin):
    list_display = ("name", "enterprise", "kind", "exposed_population", "s", "is_major_hazard", "grade",
                    "evaluated_at")
    list_filter = ("kind", "is_major_hazard", "grade")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise", "admin_area")
    readonly_fields = ("s", "is_major_hazard", "r", "grade", "alpha", "alpha_reason", "contributions",
                       "evaluated_at")
    inlines = (InventoryInline,)

    list_select_related = ("enterprise",)
    service_fields = services.UNIT_FIELDS

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> HazardUnit:
        return services.create_unit(data, actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> HazardUnit:
        return services.update_unit(obj, data, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        services.delete_unit(obj, actor=actor)


@admin.register(Tank)
class TankAdmin(ScopedAdmin):
    list_display = ("code", "unit", "medium", "volume_m3", "max_fill_ratio", "design_pressure_mpa",
                    "design_temperature_c")
    search_fields = ("code", "unit__name", "medium")
    raw_id_fields = ("unit",)

    list_select_related = ("unit",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_tank(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_tank(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.delete_tank(obj, actor=request.user)
