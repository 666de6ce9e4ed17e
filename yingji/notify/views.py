"""The inbox page: the signed-in user's notices, newest first, with mark-read. Thin: queries and services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import queries, services


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
