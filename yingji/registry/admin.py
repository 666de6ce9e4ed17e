"""Every registry model in the Django admin; saves and deletes go through the audited services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .resources import SPECS


class ServiceBackedAdmin(admin.ModelAdmin):
    """Admin edits take the same path as the UI and API: validated, scoped, audited, published."""

    list_select_related = True

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            original = type(obj).objects.get(pk=obj.pk)
            saved = services.update_record(original, data, actor=request.user)
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name in form.fields}
            saved = services.create_record(type(obj), data, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_record(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.delete_record(obj, actor=request.user)


for _spec in SPECS:
    admin.site.register(
        _spec.model,
        type(
            f"{_spec.model.__name__}Admin",
            (ServiceBackedAdmin,),
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
