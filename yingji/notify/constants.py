"""Notify's words for the audit log and the bus, and the limits of sending. Pure: no Django.

No standard fixes these figures; they are operational defaults chosen so that a short outage of a robot
or gateway (minutes) is bridged and a long one (hours) ends as `dead` for a person to look at.
"""

from __future__ import annotations

from enum import StrEnum


class NotifyAudit(StrEnum):
    """Audit actions of the notify domain (core's create/update/delete cover channels and rules)."""

    TEST_SENT = "notify.channel.test"
    DELIVERY_RETRY = "notify.delivery.retry"


INBOX_TOPIC = "notify.inbox"  # published after commit to one user when an in-app notice lands in their inbox

BACKOFF_BASE_S = 30  # first retry after 30 s, then 60, 120, … (doubling)
BACKOFF_CAP_S = 3600  # never wait more than an hour between attempts
DEFAULT_MAX_ATTEMPTS = 6  # 30 s + 1 + 2 + 4 + 8 min ≈ 15.5 min of retries before a delivery is dead
SEND_TIMEOUT_S = 10  # one HTTP or SMTP attempt
CLAIM_LEASE_S = 300  # a worker that crashed mid-send frees its deliveries after this long
BATCH_SIZE = 100  # deliveries one worker claims at a time
WORKER_POLL_S = 2.0  # how often the worker looks for due deliveries when nobody wakes it

# Levels grow with severity; other domains map their own grades onto this scale (docs/notify.md).
LEVELS = {1: "一般", 2: "较重", 3: "严重", 4: "特别严重"}
