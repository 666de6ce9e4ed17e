"""Recording messages that ingestion could not use: the dead-letter table.

The MQTT consumer calls :func:`record` for a message refused as a whole (unknown device, unreadable JSON,
too big, not an array) and for one whose readings were partly rejected (only those readings are kept,
each with its index). It runs in the message's transaction, so the consumer acknowledges the message to
the broker only after its dead letter is stored. HTTP batches are not recorded: the device gets every
reason in the synchronous answer and must resend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .constants import DEAD_LETTER_PAYLOAD_LIMIT
from .ingest import ReadingResult
from .models import DeadLetter, DeadLetterSource, Device


@transaction.atomic
def record(*, topic: str, payload: bytes, reason: str, device_code: str = "", device: Device | None = None,
           rejected: int = 0, source: str = DeadLetterSource.MQTT) -> DeadLetter:
    """Store a dead letter, or count one more arrival of the same (topic, payload)."""
    digest = hashlib.sha256(topic.encode() + b"\0" + payload).hexdigest()
    now = timezone.now()
    if DeadLetter.objects.filter(digest=digest).update(count=F("count") + 1, last_received_at=now):
        return DeadLetter.objects.get(digest=digest)
    letter = DeadLetter(
        source=source, topic=topic[:300], device_code=device_code[:64], device=device,
        payload=payload[:DEAD_LETTER_PAYLOAD_LIMIT], payload_size=len(payload),
        truncated=len(payload) > DEAD_LETTER_PAYLOAD_LIMIT, reason=reason, rejected=rejected, digest=digest,
        received_at=now, last_received_at=now,
    )
    try:
        with transaction.atomic():
            letter.save(force_insert=True)
    except IntegrityError:  # another worker stored the same message a moment ago
        DeadLetter.objects.filter(digest=digest).update(count=F("count") + 1, last_received_at=now)
        return DeadLetter.objects.get(digest=digest)
    return letter


def rejected_part(items: Sequence[Any], results: Sequence[ReadingResult]) -> tuple[bytes, str, int] | None:
    """The rejected readings of a batch as a dead letter's payload and reason, or None when none was."""
    rejected = [r for r in results if r.status == "rejected"]
    if not rejected:
        return None
    payload = orjson.dumps([{"index": r.index, "reading": items[r.index]} for r in rejected],
                           option=orjson.OPT_NON_STR_KEYS, default=str)
    reason = "\n".join(f"第 {r.index} 条：{r.reason}" for r in rejected)
    return payload, reason, len(rejected)
