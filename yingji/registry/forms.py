"""Entry forms for registry records, generated from each ResourceSpec's form fields.

The form only parses and type-checks what was typed; business rules, uniqueness and scope are the
service's job (registry.services), whose ValidationError is shown back on the fields it names.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext

from yingji.core.models import AdminArea, AreaLevel, Department

from .models import Enterprise, Warehouse
from .resources import ResourceSpec

COUNTY_CODE = "211122"


class AreaChoiceField(forms.ModelChoiceField):
    """Townships and their villages of the county, a village shown as “乡镇 · 村”."""

    def label_from_instance(self, obj: AdminArea) -> str:
        if obj.level == AreaLevel.VILLAGE and obj.parent is not None:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


def _querysets(user: Any) -> dict[str, Any]:
    areas = (AdminArea.objects.filter(code__startswith=COUNTY_CODE, level__gte=AreaLevel.TOWNSHIP)
             .select_related("parent").order_by("code"))
    return {
        "admin_area": areas,
        "owner_department": Department.objects.order_by("code"),
        "enterprise": Enterprise.objects.for_user(user).order_by("name"),  # type: ignore[attr-defined]
        "warehouse": Warehouse.objects.for_user(user).order_by("name"),  # type: ignore[attr-defined]
    }


class RecordForm(forms.Form):
    """One registry record's fields; `apply_service_errors` maps a service's ValidationError onto them."""

    def __init__(self, spec: ResourceSpec, user: Any, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(instance, fields=list(spec.form_fields))
        super().__init__(*args, **kwargs)
        self.spec = spec
        querysets = _querysets(user)
        for name, field in fields_for_model(spec.model, fields=list(spec.form_fields)).items():
            if name == "admin_area":
                field = AreaChoiceField(queryset=querysets[name], required=field.required, label=field.label,
                                        empty_label="—")
            elif name in querysets and isinstance(field, forms.ModelChoiceField):
                field.queryset = querysets[name]
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if name in ("longitude", "latitude"):
                field.widget.attrs.update({"step": "any", "inputmode": "decimal"})
            if "phone" in name:
                field.widget.attrs.update({"inputmode": "tel"})
            if isinstance(field, forms.TypedChoiceField):  # choice labels are data (registry/ui_labels.py)
                labels = cast(list[tuple[Any, Any]], field.choices)  # a list once the field is built
                field.choices = [(value, gettext(str(label))) for value, label in labels]
            self.fields[name] = field

    def apply_service_errors(self, error: ValidationError) -> None:
        """Put each message next to the field it names; the rest go above the form."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                target = name if name in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)
