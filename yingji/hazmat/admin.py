"""Hazmat records in the Django admin; saves and deletes go through the audited (and regrading) services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
class HazardUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "kind", "exposed_population", "s", "is_major_hazard", "grade",
                    "evaluated_at")
    list_filter = ("kind", "is_major_hazard", "grade")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise", "admin_area")
    readonly_fields = ("s", "is_major_hazard", "r", "grade", "alpha", "alpha_reason", "contributions",
                       "evaluated_at")
    inlines = (InventoryInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user).select_related("enterprise")  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            data = {n: form.cleaned_data[n] for n in form.changed_data if n in services.UNIT_FIELDS}
            saved = services.update_unit(HazardUnit.objects.get(pk=obj.pk), data, actor=request.user)
        else:
            data = {n: v for n, v in form.cleaned_data.items() if n in services.UNIT_FIELDS}
            saved = services.create_unit(data, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_unit(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.delete_unit(obj, actor=request.user)


@admin.register(Tank)
class TankAdmin(admin.ModelAdmin):
    list_display = ("code", "unit", "medium", "volume_m3", "max_fill_ratio", "design_pressure_mpa",
                    "design_temperature_c")
    search_fields = ("code", "unit__name", "medium")
    raw_id_fields = ("unit",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user).select_related("unit")  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_tank(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_tank(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.delete_tank(obj, actor=request.user)
