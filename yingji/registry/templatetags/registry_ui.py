"""Template helpers for the registry pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """Translate a Chinese label that lives in data (model and field names, choice labels) at render time."""
    text = str(value)
    return gettext(text) if text else text


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if mapping is not None else ""
