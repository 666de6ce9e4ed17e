"""Turning posted page forms into the plain data the services take, and their errors back into the page."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


def data_from(post: Mapping[str, Any], fields: Iterable[str], *, numbers: Iterable[str] = (),
              integers: Iterable[str] = (), booleans: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    """The named fields of a posted form (blank → absent), numbers parsed; and per-field parse errors."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    numbers, integers, booleans = set(numbers), set(integers), set(booleans)
    for name in fields:
        if name in booleans:
            data[name] = post.get(name) in ("on", "true", "1", "yes")
            continue
        raw = str(post.get(name, "")).strip()
        if raw == "":
            continue
        if name in numbers or name in integers:
            try:
                value = float(raw)
            except ValueError:
                errors[name] = f"“{raw}”不是数字"
                continue
            if name in integers:
                if not math.isfinite(value) or value != int(value):
                    errors[name] = f"“{raw}”不是整数"
                    continue
                data[name] = int(value)
            else:
                data[name] = value
        else:
            data[name] = raw
    return data, errors


def errors_of(exc: ValidationError | PermissionDenied) -> dict[str, str]:
    """{"field": "message; message"} from a service's error (`__all__` for the whole form)."""
    if isinstance(exc, PermissionDenied):
        return {"__all__": str(exc) or "无权执行此操作"}
    if hasattr(exc, "error_dict"):
        return {field: "；".join(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": "；".join(exc.messages)}
