"""Domain events: `publish(topic, payload, scope=...)` after commit, fanned out to subscribers.

The in-process backend serves the embedded single-process deployment; a Redis backend implements
the same `EventBackend` protocol for scale-out. Each event carries the owner facts of what it is
about, so the live stream can hand every user only what their scope may see.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .scoping import ScopeFacts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One thing that happened, as the live stream and reactions see it."""

    id: int
    topic: str
    payload: dict[str, Any]
    scope: ScopeFacts
    time: str = field(default_factory=lambda: timezone.now().isoformat())


class Subscription(Protocol):
    async def get(self) -> Event: ...

    def close(self) -> None: ...


class EventBackend(Protocol):
    """What every event bus backend offers: deliver an event, hand out subscriptions, replay recent ones."""

    def deliver(self, topic: str, payload: dict[str, Any], scope: ScopeFacts) -> Event: ...

    def subscribe(self) -> Subscription: ...

    def recent(self, after_id: int) -> list[Event]: ...


class _QueueSubscription:
    """A subscriber's queue bound to the asyncio loop it listens on."""

    def __init__(self, backend: InProcessBackend, loop: asyncio.AbstractEventLoop) -> None:
        self._backend = backend
        self.loop = loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)

    async def get(self) -> Event:
        return await self.queue.get()

    def offer(self, event: Event) -> None:
        # A slow reader loses the oldest events rather than stalling the publisher.
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(event)

    def close(self) -> None:
        self._backend.unsubscribe(self)


class InProcessBackend:
    """Fan-out inside one process; thread-safe, so sync services can publish to async listeners."""

    def __init__(self, keep: int = 500) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._subscribers: set[_QueueSubscription] = set()
        self._recent: deque[Event] = deque(maxlen=keep)
        self._listeners: list[Callable[[Event], None]] = []

    def deliver(self, topic: str, payload: dict[str, Any], scope: ScopeFacts) -> Event:
        with self._lock:
            event = Event(id=next(self._ids), topic=topic, payload=payload, scope=scope)
            self._recent.append(event)
            subscribers = list(self._subscribers)
            listeners = list(self._listeners)
        for sub in subscribers:
            if not sub.loop.is_closed():
                sub.loop.call_soon_threadsafe(sub.offer, event)
        for listener in listeners:
            listener(event)
        return event

    def subscribe(self) -> _QueueSubscription:
        sub = _QueueSubscription(self, asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: _QueueSubscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def recent(self, after_id: int) -> list[Event]:
        with self._lock:
            return [e for e in self._recent if e.id > after_id]

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """Synchronous in-process reactions (notifications, cross-app rules) register here."""
        with self._lock:
            self._listeners.append(listener)


_backend: EventBackend | None = None


def backend() -> EventBackend:
    global _backend
    if _backend is None:
        name = settings.YINGJI_EVENT_BACKEND
        if name != "inprocess":
            raise ValueError(f"YINGJI_EVENT_BACKEND={name!r} is not available in this build; use 'inprocess'")
        _backend = InProcessBackend()
    return _backend


def publish(topic: str, payload: dict[str, Any], *, scope: ScopeFacts) -> None:
    """Deliver the event once the surrounding transaction commits (at once if there is none)."""
    transaction.on_commit(lambda: backend().deliver(topic, payload, scope))
