"""Alarm storms and robot limits: at most N messages a minute per robot channel, the excess merged into one.

DingTalk and WeCom robots take about 20 messages a minute each (constants.ROBOT_MESSAGES_PER_MINUTE); a
storm of alarms would otherwise fail (and be throttled for ten minutes by DingTalk). Before a worker sends
a claimed batch, `plan` looks at each rate-limited channel: the messages it attempted in the last
minute, plus those other workers hold claimed right now, leave some room. When the due deliveries fit,
they go as they are. When they do not, the most severe go on their own and the rest — at least two — are
merged into one digest delivery ("另有 N 条告警（严重 2 条、…）"): each merged delivery is marked `merged` with
`merged_into` pointing to the digest, so the delivery log shows what it carried and nothing is sent twice.
With no room left at all the deliveries wait, unchanged, until the oldest send leaves the window.
The digest is an ordinary delivery (retries, backoff, `dead`) whose source key names its first member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q

from . import formats
from .constants import CLAIM_LEASE_S, RATE_WINDOW_S, ROBOT_MESSAGES_PER_MINUTE
from .models import Channel, ChannelKind, Delivery, DeliveryStatus

ROBOT_KINDS = frozenset({ChannelKind.DINGTALK, ChannelKind.WECOM})
# The kinds a limit may be set on: one endpoint, one recipient (""), so one digest stands for all.
LIMITABLE_KINDS = ROBOT_KINDS | {ChannelKind.WEBHOOK}
WINDOW = timedelta(seconds=RATE_WINDOW_S)


def limit_of(channel: Channel) -> int | None:
    """Messages a minute the channel may send: its own limit, 20 for a robot, or None (no limit)."""
    if channel.kind not in LIMITABLE_KINDS:
        return None
    if channel.rate_limit_per_minute:
        return channel.rate_limit_per_minute
    return ROBOT_MESSAGES_PER_MINUTE if channel.kind in ROBOT_KINDS else None


def _used(channel: Channel, now: datetime, worker: str) -> tuple[int, datetime | None]:
    """Messages that count against the window at `now`, and when the oldest of them leaves it."""
    recent = Delivery.objects.filter(channel=channel, last_attempt_at__gt=now - WINDOW,
                                     last_attempt_at__lte=now).exclude(status=DeliveryStatus.MERGED)
    found = recent.aggregate(n=Count("pk"), oldest=Min("last_attempt_at"))
    in_flight = Delivery.objects.filter(channel=channel, claimed_until__gte=now).exclude(
        Q(claimed_by=worker) | Q(claimed_by="")).count()  # another worker is about to send these
    return found["n"] + in_flight, found["oldest"]


def _postpone(items: Sequence[Delivery], until: datetime, worker: str) -> None:
    """Give the deliveries back, due when the window has room again (no attempt is counted)."""
    Delivery.objects.filter(pk__in=[d.pk for d in items], claimed_by=worker).update(
        next_attempt_at=until, claimed_by="", claimed_until=None)


def _merge(channel: Channel, items: Sequence[Delivery], now: datetime, worker: str) -> Delivery:
    """One digest delivery, claimed by this worker, standing for `items` (which are marked merged into it)."""
    title, body = formats.digest([(d.level, d.title) for d in items])
    domains = {d.domain for d in items}
    domain = domains.pop() if len(domains) == 1 else "notify"
    first = min(d.pk for d in items)
    digest_row = Delivery.objects.create(
        source_key=f"notify.digest:{first}", channel=channel, recipient="", domain=domain, kind="digest",
        level=max(d.level for d in items), title=title[:200], body=body,
        link="/monitoring/alarms/" if domain == "monitoring" else "/notify/deliveries/", next_attempt_at=now,
        claimed_by=worker, claimed_until=now + timedelta(seconds=CLAIM_LEASE_S))
    Delivery.objects.filter(pk__in=[d.pk for d in items], claimed_by=worker).update(
        status=DeliveryStatus.MERGED, merged_into=digest_row, claimed_by="", claimed_until=None,
        last_error=f"一分钟内超出发送限额，已并入汇总消息 #{digest_row.pk}")
    digest_row.channel = channel
    return digest_row


def split(items: Sequence[Delivery], room: int) -> tuple[list[Delivery], list[Delivery], list[Delivery]]:
    """(send on their own, merge into one digest, wait) for the due deliveries of a channel with `room` left.

    Digests being retried take room first and are never merged into another digest; then the most
    severe notices (oldest first within a level) go alone and the rest, at least two, share the last slot.
    """
    digests = [d for d in items if d.kind == "digest"]
    plain = sorted((d for d in items if d.kind != "digest"), key=lambda d: (-d.level, d.next_attempt_at, d.pk))
    room = max(room, 0)
    send, wait = digests[:room], digests[room:]
    room -= len(send)
    if len(plain) <= room:
        return send + plain, [], wait
    if room == 0:
        return send, [], wait + plain
    return send + plain[: room - 1], plain[room - 1 :], wait


def plan(batch: Sequence[Delivery], now: datetime, *, worker: str) -> list[Delivery]:
    """The deliveries of a claimed batch to attempt now, digests included; the rest merged or postponed."""
    limited: dict[int, list[Delivery]] = defaultdict(list)
    ready: list[Delivery] = []
    for delivery in batch:
        (limited[delivery.channel_id] if limit_of(delivery.channel) else ready).append(delivery)
    for items in limited.values():
        channel = items[0].channel
        with transaction.atomic():
            Channel.objects.select_for_update().filter(pk=channel.pk).first()  # one planner per channel at a time
            used, oldest = _used(channel, now, worker)
            send, merge, wait = split(items, (limit_of(channel) or 0) - used)
            ready += send
            if merge:
                ready.append(_merge(channel, merge, now, worker))
            if wait:
                _postpone(wait, (oldest or now) + WINDOW, worker)
    return ready
