"""Domain events: `publish(topic, payload, scope=...)` after commit, fanned out to subscribers.

The in-process backend serves the embedded single-process deployment; a Redis backend implements
the same `EventBackend` protocol for scale-out. Each event carries the owner facts of what it is
about, so the live stream can hand every user only what their scope may see.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import redis
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


class _FanOut:
    """The subscribers of one process: asyncio queues, each bound to the loop it listens on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[_QueueSubscription] = set()

    def subscribe(self) -> _QueueSubscription:
        sub = _QueueSubscription(self, asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: _QueueSubscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def offer(self, event: Event) -> None:
        """Hand the event to every subscriber's loop (callable from any thread)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for sub in subscribers:
            if not sub.loop.is_closed():
                sub.loop.call_soon_threadsafe(sub.offer, event)


class _QueueSubscription:
    """A subscriber's queue bound to the asyncio loop it listens on."""

    def __init__(self, fan_out: _FanOut, loop: asyncio.AbstractEventLoop) -> None:
        self._fan_out = fan_out
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
        self._fan_out.unsubscribe(self)


class InProcessBackend:
    """Fan-out inside one process; thread-safe, so sync services can publish to async listeners."""

    def __init__(self, keep: int = 500) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._fan_out = _FanOut()
        self._recent: deque[Event] = deque(maxlen=keep)
        self._listeners: list[Callable[[Event], None]] = []

    def deliver(self, topic: str, payload: dict[str, Any], scope: ScopeFacts) -> Event:
        with self._lock:
            event = Event(id=next(self._ids), topic=topic, payload=payload, scope=scope)
            self._recent.append(event)
            listeners = list(self._listeners)
        self._fan_out.offer(event)
        for listener in listeners:
            listener(event)
        return event

    def subscribe(self) -> _QueueSubscription:
        return self._fan_out.subscribe()

    def recent(self, after_id: int) -> list[Event]:
        with self._lock:
            return [e for e in self._recent if e.id > after_id]

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """Synchronous in-process reactions (notifications, cross-app rules) register here."""
        with self._lock:
            self._listeners.append(listener)


# One Lua call takes the next integer id and appends the event under the stream id "<n>-0", so ids stay
# plain integers (what Last-Event-ID carries) and the stream's order is the id order across processes. A
# missing counter (first use, or Redis lost its data) starts from the clock (ms × 1000, ARGV[3]), so ids
# never go back below what a browser already holds and resuming after a Redis restart loses nothing new.
_APPEND = """
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[3]) end
local n = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%.0f', n) .. '-0', 'e', ARGV[2])
return n
"""


class RedisBackend:
    """Events in one Redis stream shared by every server and worker process.

    ``deliver`` appends the event (XADD) and runs this process's listeners; each process that streams
    to browsers runs one reader thread (blocking XREAD) that hands every new event to its local
    subscribers, so a worker's alarm reaches the SSE clients of every web process. ``recent(after_id)``
    reads the stream back (XREVRANGE) for ``Last-Event-ID`` resume; the stream is trimmed to about
    ``keep`` events. A stream rather than pub/sub because pub/sub keeps no history to resume from and
    drops what a briefly disconnected reader missed. If Redis is unreachable when an event is
    published, the committed write stands, local listeners still run, and the loss is logged at ERROR.
    """

    def __init__(self, url: str, *, prefix: str = "yingji:events", keep: int = 1000, block_ms: int = 1000) -> None:
        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2,
                                           socket_timeout=block_ms / 1000 + 5, health_check_interval=30)
        # One hash tag, so both keys live in the same slot of a Redis Cluster (the Lua call needs that).
        self._stream = f"{{{prefix}}}:stream"
        self._counter = f"{{{prefix}}}:seq"
        self._append = self._redis.register_script(_APPEND)
        self._keep = keep
        self._block_ms = block_ms
        self._fan_out = _FanOut()
        self._listeners: list[Callable[[Event], None]] = []
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._stopping = threading.Event()

    def deliver(self, topic: str, payload: dict[str, Any], scope: ScopeFacts) -> Event:
        at = timezone.now().isoformat()
        body = json.dumps({"topic": topic, "payload": payload, "scope": scope.as_dict(), "time": at},
                          ensure_ascii=False)
        try:
            floor = int(time.time() * 1000) * 1000
            event_id = int(self._append(keys=[self._stream, self._counter], args=[self._keep, body, floor]))
        except redis.RedisError:
            log.error("event %s not on the live stream: Redis unreachable", topic, exc_info=True)
            event_id = 0
        event = Event(id=event_id, topic=topic, payload=payload, scope=scope, time=at)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event)
        return event

    def subscribe(self) -> _QueueSubscription:
        sub = self._fan_out.subscribe()
        with self._lock:
            if self._reader is None or not self._reader.is_alive():
                # The start position is taken now, so nothing appended after subscribe() returns is missed.
                self._stopping.clear()
                self._reader = threading.Thread(target=self._read, args=(self._last_id(),),
                                                name="yingji-events-redis", daemon=True)
                self._reader.start()
        return sub

    def recent(self, after_id: int) -> list[Event]:
        entries = cast(list[Any], self._redis.xrevrange(self._stream, max="+", min=f"({after_id}-0", count=self._keep))
        return [self._decode(entry_id, fields) for entry_id, fields in reversed(entries)]

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """Reactions in the publishing process, once per event (as with the in-process backend)."""
        with self._lock:
            self._listeners.append(listener)

    def close(self) -> None:
        """Stop the reader thread and release the connections."""
        self._stopping.set()
        with self._lock:
            reader = self._reader
        if reader is not None:
            reader.join(self._block_ms / 1000 + 5)
        self._redis.close()

    def _last_id(self) -> str:
        newest = self._redis.xrevrange(self._stream, max="+", min="-", count=1)
        return str(newest[0][0]) if newest else "0-0"

    def _read(self, last: str) -> None:
        while not self._stopping.is_set():
            try:
                reply = cast(list[Any], self._redis.xread({self._stream: last}, block=self._block_ms, count=500))
            except redis.RedisError:
                log.warning("reading the event stream from Redis failed; retrying in 1 s", exc_info=True)
                self._stopping.wait(1.0)
                continue
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    last = entry_id
                    self._fan_out.offer(self._decode(entry_id, fields))

    @staticmethod
    def _decode(entry_id: Any, fields: Any) -> Event:
        data = json.loads(fields["e"])
        return Event(id=int(entry_id.split("-", 1)[0]), topic=data["topic"], payload=data["payload"],
                     scope=ScopeFacts(**data["scope"]), time=data["time"])


_backend: EventBackend | None = None
_backend_lock = threading.Lock()


def backend_for(name: str, redis_url: str) -> EventBackend:
    """The backend a setting names: ``inprocess``, ``redis`` (at ``redis_url``) or a ``redis://…`` URL.

    :raises ValueError: any other name.
    """
    if name == "inprocess":
        return InProcessBackend()
    if name == "redis":
        return RedisBackend(redis_url)
    if name.startswith(("redis://", "rediss://", "unix://")):
        return RedisBackend(name)
    raise ValueError(f"YINGJI_EVENT_BACKEND={name!r} is not available; use 'inprocess', 'redis' or a redis:// URL")


def backend() -> EventBackend:
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = backend_for(settings.YINGJI_EVENT_BACKEND, settings.YINGJI_REDIS_URL)
        return _backend


Reaction = Callable[[Event], None]
_reactions: list[tuple[tuple[str, ...], Reaction]] = []


def react(topics: tuple[str, ...], reaction: Reaction) -> None:
    """Register a cross-app reaction (from an AppConfig.ready) to events of these topics, whatever the backend.

    It runs in the publishing process, after the event is delivered, outside the publisher's transaction.
    Reactions live here rather than on the backend so that replacing the backend (tests) keeps them.
    """
    if (topics, reaction) not in _reactions:  # ready() may run twice (tests, autoreload)
        _reactions.append((topics, reaction))


def _deliver(topic: str, payload: dict[str, Any], scope: ScopeFacts) -> None:
    event = backend().deliver(topic, payload, scope)
    for topics, reaction in list(_reactions):
        if topic in topics:
            try:
                reaction(event)
            except Exception:  # noqa: BLE001 — the publisher's write is committed; its reply must not fail for a
                # reaction, which logs here and is caught up by its app's tick (e.g. worksafety_tick)
                log.exception("reaction %s to %s failed", getattr(reaction, "__qualname__", reaction), topic)


def publish(topic: str, payload: dict[str, Any], *, scope: ScopeFacts) -> None:
    """Deliver the event once the surrounding transaction commits (at once if there is none)."""
    transaction.on_commit(lambda: _deliver(topic, payload, scope))
