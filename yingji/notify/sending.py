"""Sending queued deliveries: claim, send outside any transaction, record the outcome, retry with backoff.

`send_due(now)` is what the worker, `yingji notify_worker --once` and `monitoring_tick` call. Several
workers may run at once: each claims a batch by stamping its token and a lease on rows nobody holds
(``UPDATE … WHERE claimed_until IS NULL OR claimed_until < now``, after ``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL), so a delivery is attempted by one worker at a time. A failed attempt waits
`formats.backoff_seconds(attempts)`; after the channel's `max_attempts` the delivery is `dead`. A robot
channel's per-minute limit is kept by `throttle.plan`, which merges the excess into one digest.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core import events
from yingji.core.scoping import ScopeFacts

from . import formats, throttle
from .constants import BATCH_SIZE, CLAIM_LEASE_S, INBOX_TOPIC, SEND_TIMEOUT_S
from .models import Channel, ChannelKind, Delivery, DeliveryStatus, InboxMessage

log = logging.getLogger("yingji.notify")
RETRYABLE = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


class SendError(Exception):
    """One attempt failed: the reason in Chinese, and the HTTP or SMTP code when there was one."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


@dataclass
class SendReport:
    """What one `send_due` call did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.dead


# --- claiming ----------------------------------------------------------------------------------------------
def _free(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim(now: datetime, *, worker: str, limit: int = BATCH_SIZE, ids: Sequence[int] | None = None) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker (or the given ones, due or not); nobody else gets them."""
    due = Delivery.objects.filter(status__in=RETRYABLE).filter(_free(now))
    due = due.filter(pk__in=list(ids)) if ids is not None else due.filter(next_attempt_at__lte=now)
    with transaction.atomic():
        candidates = due.order_by("next_attempt_at", "pk")
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True)
        picked = list(candidates.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=picked, status__in=RETRYABLE).filter(_free(now)).update(
            claimed_by=worker, claimed_until=now + timedelta(seconds=CLAIM_LEASE_S))
    return list(Delivery.objects.filter(pk__in=picked, claimed_by=worker).select_related("channel")
                .order_by("next_attempt_at", "pk"))


# --- senders -----------------------------------------------------------------------------------------------
def message_of(delivery: Delivery) -> formats.Message:
    return formats.Message(source_key=delivery.source_key, domain=delivery.domain, kind=delivery.kind,
                           level=delivery.level, title=delivery.title, body=delivery.body,
                           link=formats.absolute_link(delivery.link, settings.YINGJI_PUBLIC_URL))


def http_send(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
    """One HTTP request; (status, body) for 2xx. SendError for any other answer or no answer."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_S) as response:  # noqa: S310 - operator's URL
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode(errors="replace")
        raise SendError(f"HTTP {exc.code}：{detail}".strip("："), exc.code) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"无法连接：{getattr(exc, 'reason', exc)}") from exc


def _json_headers(channel: Channel) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", **channel.headers}


def _robot(channel: Channel, url: str, body: bytes) -> int:
    status, answer = http_send("POST", url, body, _json_headers(channel))
    complaint = formats.robot_error(answer)
    if complaint:
        raise SendError(f"机器人拒收：{complaint}", status)
    return status


def send_webhook(channel: Channel, delivery: Delivery, now: datetime) -> int:
    body = formats.generic_body(message_of(delivery), now.isoformat())
    headers = _json_headers(channel)
    if channel.secret:
        headers["X-Yingji-Signature"] = formats.body_signature(channel.secret, body)
    return http_send("POST", channel.url, body, headers)[0]


def send_dingtalk(channel: Channel, delivery: Delivery, now: datetime) -> int:
    url = formats.dingtalk_url(channel.url, channel.secret, int(now.timestamp() * 1000))
    return _robot(channel, url, formats.dingtalk_body(message_of(delivery)))


def send_wecom(channel: Channel, delivery: Delivery, now: datetime) -> int:
    return _robot(channel, channel.url, formats.wecom_body(message_of(delivery)))


def send_sms(channel: Channel, delivery: Delivery, now: datetime) -> int:
    values = formats.sms_values(message_of(delivery), delivery.recipient, channel.secret, int(now.timestamp() * 1000))
    headers = {k: formats.render(v, values) for k, v in channel.headers.items()}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    url = formats.render(channel.url, values, "url")
    body = None
    if channel.method == "POST":
        body = formats.render(channel.body_template, values, formats.escape_for(content_type)).encode()
    return http_send(channel.method, url, body, headers)[0]


def send_email(channel: Channel, delivery: Delivery, now: datetime) -> int:
    message = message_of(delivery)
    parts = urllib.parse.urlsplit(channel.url)
    email = EmailMessage()
    email["Subject"] = f"【{message.level_label}】{message.title}"
    email["From"], email["To"] = channel.sender_address, delivery.recipient
    email["Date"], email["Message-ID"] = formatdate(now.timestamp(), localtime=False), make_msgid("yingji")
    email.set_content(message.plain_text())
    host, port = parts.hostname or "", parts.port
    try:
        if parts.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=SEND_TIMEOUT_S,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port or 25, timeout=SEND_TIMEOUT_S)
        with smtp:
            if "starttls=1" in parts.query:
                smtp.starttls(context=ssl.create_default_context())
            if parts.username and channel.secret:
                smtp.login(urllib.parse.unquote(parts.username), channel.secret)
            smtp.send_message(email)
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise SendError(f"邮件服务器拒收：{exc.smtp_code} {detail}", exc.smtp_code) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"邮件发送失败：{exc}") from exc
    return 250


def send_inapp(channel: Channel, delivery: Delivery, now: datetime) -> int:
    """Put the notice in the user's inbox and tell their open pages (SSE) after commit."""
    if delivery.recipient_user_id is None:
        raise SendError("站内消息缺少接收用户")
    with transaction.atomic():
        message, _ = InboxMessage.objects.get_or_create(
            delivery=delivery, defaults={"user_id": delivery.recipient_user_id, "domain": delivery.domain,
                                         "kind": delivery.kind, "level": delivery.level, "title": delivery.title,
                                         "body": delivery.body, "link": delivery.link})
        unread = InboxMessage.objects.filter(user_id=delivery.recipient_user_id, read_at__isnull=True).count()
        payload = {"id": message.pk, "title": message.title, "level": message.level, "link": message.link,
                   "domain": message.domain, "unread": unread}
        events.publish(INBOX_TOPIC, payload, scope=ScopeFacts(kind=INBOX_TOPIC, person_id=delivery.recipient_user_id,
                                                               personal=True))
    return 200


SENDERS = {
    ChannelKind.INAPP: send_inapp,
    ChannelKind.WEBHOOK: send_webhook,
    ChannelKind.DINGTALK: send_dingtalk,
    ChannelKind.WECOM: send_wecom,
    ChannelKind.EMAIL: send_email,
    ChannelKind.SMS: send_sms,
}


# --- attempts ----------------------------------------------------------------------------------------------
def attempt(delivery: Delivery, now: datetime, report: SendReport) -> None:
    """Send one claimed delivery and record how it went; the claim is released either way."""
    channel = delivery.channel
    code: int | None = None
    error = ""
    try:
        if not channel.is_active:
            raise SendError(f"渠道“{channel.name}”已停用")
        code = SENDERS[ChannelKind(channel.kind)](channel, delivery, now)
    except SendError as exc:
        code, error = exc.code, str(exc)
    attempts = delivery.attempts + 1
    fields: dict[str, object] = {"attempts": attempts, "last_attempt_at": now, "response_code": code,
                                 "last_error": error[:2000], "claimed_by": "", "claimed_until": None}
    if not error:
        fields |= {"status": DeliveryStatus.SENT, "sent_at": now}
        report.sent += 1
    elif attempts >= channel.max_attempts:
        fields |= {"status": DeliveryStatus.DEAD}
        report.dead += 1
        log.warning("通知投递放弃（%s 次）：%s → %s：%s", attempts, delivery.title, channel.name, error)
    else:
        retry_at = now + timedelta(seconds=formats.backoff_seconds(attempts))
        fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": retry_at}
        report.failed += 1
    Delivery.objects.filter(pk=delivery.pk, claimed_by=delivery.claimed_by).update(**fields)


def send_due(now: datetime | None = None, *, worker: str | None = None, limit: int = BATCH_SIZE) -> SendReport:
    """Send every delivery due at `now`, batch after batch; call it outside any transaction."""
    now = now or timezone.now()
    token = worker or uuid.uuid4().hex
    report = SendReport()
    while True:
        batch = claim(now, worker=token, limit=limit)
        for delivery in throttle.plan(batch, now, worker=token):  # robots: the excess of a minute in one digest
            attempt(delivery, now, report)
        if len(batch) < limit:
            return report


def send_deliveries(ids: Sequence[int], now: datetime | None = None) -> SendReport:
    """Attempt these deliveries now, due or not (the channel's "send test message")."""
    now = now or timezone.now()
    report = SendReport()
    for delivery in claim(now, worker=uuid.uuid4().hex, limit=len(ids), ids=ids):
        attempt(delivery, now, report)
    return report
