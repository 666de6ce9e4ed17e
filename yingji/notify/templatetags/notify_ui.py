"""`{% inbox_badge %}`: the navigation's link to the inbox with the unread count, kept current by notify/badge.js."""

from __future__ import annotations

from typing import Any

from django import template

from ..services import unread_count

register = template.Library()


@register.inclusion_tag("notify/badge.html", takes_context=True)
def inbox_badge(context: Any) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    return {"unread": unread_count(user), "active": context.get("nav_part") == "inbox"}
