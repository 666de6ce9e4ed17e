"""The inbox page: the signed-in user's notices, newest first, with mark-read. Thin: queries and services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import queries, services
from .models import DeliveryStatus


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    messages = queries.inbox(request.user, unread=True if only_unread else None)
    page = Paginator(messages, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "only_unread": only_unread,
                                                 "unread": services.unread_count(request.user),
                                                 "nav_part": "inbox"})


@login_required
@require_POST
def mark_read_view(request: HttpRequest) -> HttpResponse:
    """Mark one message (``id``) or all of them read, then back to the inbox."""
    raw = request.POST.get("id", "")
    services.mark_read(request.user, [int(raw)] if raw.isdigit() else None)
    return redirect("notify:inbox")


def _day(text: str, *, end: bool = False) -> datetime | None:
    """A yyyy-mm-dd filter as the start (or the end) of that day in local time; None when absent or malformed."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment + timedelta(days=1) if end else moment


@login_required
def deliveries_view(request: HttpRequest) -> HttpResponse:
    """The delivery log of the channels the user may see, filtered like the API (and exported through it)."""
    params = request.GET
    status = params.get("status") if params.get("status") in DeliveryStatus.values else None
    filters: dict[str, Any] = {
        "status": status, "domain": params.get("domain") or None, "source_key": params.get("source_key") or None,
        "since": _day(params.get("since", "")), "until": _day(params.get("until", ""), end=True),
        "merged_into": int(params["merged_into"]) if params.get("merged_into", "").isdigit() else None}
    page = Paginator(queries.deliveries(request.user, **filters), 50).get_page(params.get("page"))
    # The export is the API's, with the same filters (times as ISO 8601 with their offset).
    export_query = urlencode({k: v.isoformat() if isinstance(v, datetime) else v
                              for k, v in filters.items() if v is not None})
    return render(request, "notify/deliveries.html", {
        "page": page, "filters": params, "statuses": DeliveryStatus.choices, "export_query": export_query,
        "nav_part": "inbox"})
