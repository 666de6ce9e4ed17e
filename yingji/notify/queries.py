"""Notify reads, always through the reader's scope; the inbox only ever shows its own user's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Channel, Delivery, InboxMessage, RoutingRule


def visible_channels(user: Any) -> QuerySet[Channel]:
    return Channel.objects.for_user(user).select_related("owner_department").prefetch_related("recipients")


def visible_channel(user: Any, pk: int) -> Channel:
    return get_object_or_404(visible_channels(user), pk=pk)


def writable_channel(user: Any, pk: int) -> Channel:
    """One channel the user may change; 404 when outside their scope (never a hint that it exists)."""
    return get_object_or_404(Channel.objects.writable_by(user), pk=pk)


def visible_rules(user: Any) -> QuerySet[RoutingRule]:
    return RoutingRule.objects.for_user(user).select_related("department", "owner_department") \
        .prefetch_related("channels")


def writable_rule(user: Any, pk: int) -> RoutingRule:
    return get_object_or_404(RoutingRule.objects.writable_by(user), pk=pk)


def deliveries(user: Any, *, status: str | None = None, channel: int | None = None, domain: str | None = None,
               source_key: str | None = None, since: datetime | None = None,
               until: datetime | None = None, merged_into: int | None = None) -> QuerySet[Delivery]:
    """The delivery log the user may read, newest first, narrowed by the given filters."""
    carried = (Delivery.objects.filter(merged_into=OuterRef("pk")).order_by().values("merged_into")
               .annotate(n=Count("pk")).values("n"))
    found = Delivery.objects.for_user(user).select_related("channel").annotate(
        merged_count=Coalesce(Subquery(carried), 0))  # how many notices a digest carried
    if status:
        found = found.filter(status=status)
    if channel is not None:
        found = found.filter(channel_id=channel)
    if domain:
        found = found.filter(domain=domain)
    if source_key:
        found = found.filter(source_key__startswith=source_key)
    if since is not None:
        found = found.filter(created_at__gte=since)
    if until is not None:
        found = found.filter(created_at__lt=until)
    if merged_into is not None:  # what one digest message carried
        found = found.filter(merged_into_id=merged_into)
    return found


def writable_delivery(user: Any, pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.writable_by(user).select_related("channel"), pk=pk)


def inbox(user: Any, *, unread: bool | None = None) -> QuerySet[InboxMessage]:
    """The user's own messages, newest first."""
    found = InboxMessage.objects.filter(user=user)
    if unread is not None:
        found = found.filter(read_at__isnull=unread)
    return found


def own_message(user: Any, pk: int) -> InboxMessage:
    """One of the user's own messages; 404 for anybody else's."""
    return get_object_or_404(InboxMessage.objects.filter(user=user), pk=pk)
