"""Base classes for every app's Django admin: scoped lists, read-only views, writes through services."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest


class ScopedAdmin(admin.ModelAdmin):
    """Lists only what the signed-in user may read, like every other way into the data."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]


class ReadOnlyAdminMixin:
    """For records written only by services and engines (audit log, readings, alarms): the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceBackedAdmin(ScopedAdmin):
    """Admin edits take the same path as the UI and the API: validated, scoped, audited, published.

    Subclasses name their services; `service_fields` limits what the form may hand them.
    """

    service_fields: ClassVar[Collection[str] | None] = None

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> models.Model:
        raise NotImplementedError

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> models.Model:
        raise NotImplementedError

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        raise NotImplementedError

    def _form_data(self, form: Any, change: bool) -> dict[str, Any]:
        names = form.changed_data if change else list(form.fields)
        allowed = self.service_fields
        return {n: form.cleaned_data[n] for n in names if n in form.cleaned_data and (allowed is None or n in allowed)}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = self._form_data(form, change)
        if change:
            saved = self.update_via_service(type(obj)._default_manager.get(pk=obj.pk), data, actor=request.user)
        else:
            saved = self.create_via_service(data, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_via_service(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_via_service(obj, actor=request.user)
