"""Django admin for the kernel's models; the audit log is read-only there too."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .admin_base import ReadOnlyAdminMixin
from .models import AdminArea, ApiToken, AuditEvent, Department, Road, User


@admin.register(User)
class YingjiUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "department", "admin_area", "enterprise", "is_active")
    list_filter = ("role", "department", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("角色与范围", {"fields": ("role", "full_name", "phone", "department", "admin_area", "enterprise")}),
    )
    raw_id_fields = ("enterprise", "admin_area")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone")


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "request_id")


@admin.register(Road)
class RoadAdmin(admin.ModelAdmin):
    list_display = ("name", "road_class", "speed_kmh", "closed", "oneway", "source")
    list_filter = ("road_class", "closed", "oneway")
    search_fields = ("name",)
