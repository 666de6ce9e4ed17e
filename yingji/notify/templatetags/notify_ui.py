"""`{% inbox_badge %}`: the navigation's link to the inbox with the unread count, kept live by notify/badge.js."""

from __future__ import annotations

from typing import Any

from django import template

from ..queries import inbox
from ..services import unread_count

register = template.Library()


@register.inclusion_tag("notify/badge.html", takes_context=True)
def inbox_badge(context: Any) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0, "latest": 0, "active": False}
    return {"unread": unread_count(user), "latest": inbox(user).values_list("pk", flat=True).first() or 0,
            "active": context.get("nav_part") == "inbox"}
