"""Hazmat records in the Django admin; saves and deletes go through the audited (and regrading) services."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from . import catalogue, services
from .models import (
    Batch,
    Chemical,
    CrewCertificate,
    HazardUnit,
    Movement,
    PeriodBalance,
    Qualification,
    Stocktake,
    Tank,
    UnitInventory,
    Waybill,
)


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


@admin.register(Chemical)
class ChemicalAdmin(ServiceBackedAdmin):
    """The catalogue: the standard's entries keep their grading data; writes go through `catalogue`."""

    list_display = ("name", "name_en", "state", "table1_q", "toxic_gas_beta", "is_standard")
    list_filter = ("is_standard", "state")
    search_fields = ("name", "name_en", "search_text")
    service_fields = catalogue.EDITABLE_FIELDS

    def get_queryset(self, request: HttpRequest) -> Any:
        return Chemical.objects.all()  # reference data: every staff user reads it

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> Chemical:
        return catalogue.create_chemical(data, actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> Chemical:
        changed = {k: v for k, v in data.items() if getattr(obj, k) != v}
        obj.refresh_from_db()
        return catalogue.update_chemical(obj, changed, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        catalogue.delete_chemical(obj, actor=actor)


class LedgerAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Ledger records are written by `ledger_services` (the UI and the API); the admin shows them."""


@admin.register(Qualification)
class QualificationAdmin(LedgerAdmin):
    list_display = ("enterprise", "kind", "number", "scope_classes", "valid_from", "valid_until", "revoked")
    list_filter = ("kind", "revoked")
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(CrewCertificate)
class CrewCertificateAdmin(LedgerAdmin):
    list_display = ("enterprise", "role", "name", "number", "valid_from", "valid_until", "revoked")
    list_filter = ("role", "revoked")
    search_fields = ("number", "name", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(Movement)
class MovementAdmin(LedgerAdmin):
    list_display = ("enterprise", "chemical", "kind", "status", "quantity_t", "occurred_at", "counterpart_name")
    list_filter = ("kind", "status")
    search_fields = ("enterprise__name", "chemical__name", "batch__lot_number")
    list_select_related = ("enterprise", "chemical")


@admin.register(Waybill)
class WaybillAdmin(LedgerAdmin):
    list_display = ("number", "enterprise", "chemical", "quantity_t", "vehicle_plate", "planned_departure")
    search_fields = ("number", "vehicle_plate", "enterprise__name")
    list_select_related = ("enterprise", "chemical")


@admin.register(Stocktake)
class StocktakeAdmin(LedgerAdmin):
    list_display = ("enterprise", "chemical", "counted_at", "quantity_t")
    list_select_related = ("enterprise", "chemical")


@admin.register(PeriodBalance)
class PeriodBalanceAdmin(LedgerAdmin):
    list_display = ("enterprise", "chemical", "expected_t", "closing_t", "difference_t", "tolerance_t", "status")
    list_filter = ("status",)
    list_select_related = ("enterprise", "chemical")


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Batches are reference identities across enterprises; created by the ledger services."""

    list_display = ("lot_number", "chemical", "origin", "created_at")
    search_fields = ("lot_number",)
    list_select_related = ("chemical", "origin")
