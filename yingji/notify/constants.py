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

# DingTalk custom robots and WeCom group robots take about 20 messages a minute each: "每个机器人每分钟最多发送
# 20 条消息到群里，如果超过 20 条，会限流 10 分钟" (DingTalk open platform, 自定义机器人发送群消息) and "每个机器人发送
# 的消息不能超过 20 条/分钟" (WeCom 群机器人配置说明). The excess is merged into one digest (notify/throttle.py).
ROBOT_MESSAGES_PER_MINUTE = 20
RATE_WINDOW_S = 60
RATE_LIMIT_MAX = 1000  # a channel's own limit may be set from 2 (one message and the digest) to this
DIGEST_LISTED = 10  # a digest lists this many merged titles, then says how many more

# Levels grow with severity; other domains map their own grades onto this scale (docs/notify.md).
LEVELS = {1: "一般", 2: "较重", 3: "严重", 4: "特别严重"}
