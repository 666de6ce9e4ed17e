"""The Redis event backend against a real redis-server: shared by processes, resumable, scoped on the stream.

A private `redis-server` runs on a free loopback port for the module (no persistence); every test starts from
an empty database. Two `RedisBackend` instances stand for two server processes: each has its own connections
and reader thread and shares nothing with the other but Redis.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from tests.conftest import require_service
from tests.integration.test_events import _frames, _read_stream, _run_in_own_loop
from yingji.core import events
from yingji.core.events import InProcessBackend, RedisBackend, backend_for
from yingji.core.scoping import ScopeFacts

pytestmark = pytest.mark.redis

STREAM = "/api/v1/events/stream"
SCOPE = ScopeFacts(kind="test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free loopback port; its URL."""
    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    require_service(binary is not None, "redis-server")
    assert binary is not None
    port = _free_port()
    workdir: Path = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=5)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    redis.Redis.from_url(redis_server).flushdb()
    return redis_server


@pytest.fixture
def two_processes(redis_url: str) -> Iterator[tuple[RedisBackend, RedisBackend]]:
    a, b = RedisBackend(redis_url), RedisBackend(redis_url)
    yield a, b
    a.close()
    b.close()


def test_backend_is_chosen_by_the_setting(redis_url: str) -> None:
    assert isinstance(backend_for("inprocess", redis_url), InProcessBackend)
    for name in ("redis", redis_url):
        bus = backend_for(name, redis_url)
        assert isinstance(bus, RedisBackend)
        bus.close()
    with pytest.raises(ValueError, match="kafka"):
        backend_for("kafka://x", redis_url)


def test_two_processes_see_each_others_events_in_one_order(two_processes: tuple[RedisBackend, RedisBackend]) -> None:
    a, b = two_processes

    async def scenario() -> list[list[tuple[int, str]]]:
        subs = [a.subscribe(), b.subscribe()]
        a.deliver("t.from_a", {"n": 1}, SCOPE)
        b.deliver("t.from_b", {"n": 2}, SCOPE)
        a.deliver("t.from_a", {"n": 3}, SCOPE)
        got = []
        for sub in subs:
            got.append([(e.id, e.topic) for e in [await asyncio.wait_for(sub.get(), 5) for _ in range(3)]])
            sub.close()
        return got

    seen_by_a, seen_by_b = _run_in_own_loop(scenario)
    assert seen_by_a == seen_by_b
    ids = [i for i, _ in seen_by_a]
    assert [t for _, t in seen_by_a] == ["t.from_a", "t.from_b", "t.from_a"]
    assert ids == list(range(ids[0], ids[0] + 3))  # one counter for every process


def test_payload_scope_and_time_survive_the_round_trip(two_processes: tuple[RedisBackend, RedisBackend]) -> None:
    a, b = two_processes
    scope = ScopeFacts(kind="monitoring.device", department_id=3, area_code="211122001", enterprise_id=7)
    sent = a.deliver("monitoring.alarm.raised", {"level": "HH", "value": 66.5, "名称": "可燃气体"}, scope)
    (got,) = b.recent(0)
    assert got == sent
    assert got.scope == scope and got.payload["名称"] == "可燃气体"


def test_recent_resumes_after_an_id_and_keeps_the_newest(redis_url: str) -> None:
    a = RedisBackend(redis_url, keep=4)
    b = RedisBackend(redis_url, keep=4)
    try:
        ids = [a.deliver(f"t.{i}", {"i": i}, SCOPE).id for i in range(1, 8)]
        assert [e.id for e in b.recent(ids[4])] == ids[5:]
        assert [e.topic for e in b.recent(0)] == ["t.4", "t.5", "t.6", "t.7"]  # the newest `keep`, oldest first
        assert b.recent(ids[-1]) == []
    finally:
        a.close()
        b.close()


def test_ids_keep_rising_after_redis_lost_its_data(redis_url: str,
                                                   two_processes: tuple[RedisBackend, RedisBackend]) -> None:
    a, b = two_processes
    before = a.deliver("t.before", {}, SCOPE).id
    assert before > 1_700_000_000_000_000  # started from the clock (ms × 1000), not from 1
    redis.Redis.from_url(redis_url).flushdb()  # a restart without persistence
    after = b.deliver("t.after", {}, SCOPE).id
    assert after > before  # a browser resuming from `before` still gets it
    assert [e.topic for e in a.recent(before)] == ["t.after"]


def test_listeners_run_once_in_the_publishing_process(two_processes: tuple[RedisBackend, RedisBackend]) -> None:
    a, b = two_processes
    heard_a: list[str] = []
    heard_b: list[str] = []
    a.add_listener(lambda e: heard_a.append(e.topic))
    b.add_listener(lambda e: heard_b.append(e.topic))
    a.deliver("t.one", {}, SCOPE)
    assert heard_a == ["t.one"] and heard_b == []


def test_redis_down_keeps_the_write_and_logs_the_lost_event(caplog: pytest.LogCaptureFixture) -> None:
    bus = RedisBackend(f"redis://127.0.0.1:{_free_port()}/0")
    heard: list[events.Event] = []
    bus.add_listener(heard.append)
    try:
        event = bus.deliver("t.lost", {"x": 1}, SCOPE)
    finally:
        bus.close()
    assert event.id == 0 and [e.topic for e in heard] == ["t.lost"]
    assert "t.lost" in caplog.text and "Redis unreachable" in caplog.text


# --- the SSE endpoint on the Redis backend -----------------------------------------------------------------
@pytest.fixture
def redis_stream(settings: Any, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisBackend]:
    """The web process's backend comes from the setting; returns a second backend: another process."""
    settings.YINGJI_EVENT_BACKEND = redis_url
    monkeypatch.setattr(events, "_backend", None)
    web = events.backend()
    assert isinstance(web, RedisBackend)
    worker = RedisBackend(redis_url)
    yield worker
    worker.close()
    web.close()


def _publish_a_and_b(worker: RedisBackend, enterprise_a: Any, enterprise_b: Any) -> None:
    worker.deliver("monitoring.alarm.raised", {"who": "B"}, ScopeFacts(kind="monitoring.device",
                                                                       enterprise_id=enterprise_b.pk))
    worker.deliver("monitoring.alarm.raised", {"who": "A"}, ScopeFacts(kind="monitoring.device",
                                                                       enterprise_id=enterprise_a.pk))


def test_stream_delivers_another_processs_events_by_scope(people: Any, enterprise_a: Any, enterprise_b: Any,
                                                          redis_stream: RedisBackend) -> None:
    async def scenario() -> tuple[int, list[bytes]]:
        client = AsyncClient()
        await client.aforce_login(people.officer_a, backend="django.contrib.auth.backends.ModelBackend")
        return await _read_stream(client, lambda: _publish_a_and_b(redis_stream, enterprise_a, enterprise_b),
                                  wanted=1)

    status, chunks = async_to_sync(scenario)()
    assert status == 200
    assert [f["payload"]["who"] for f in _frames(chunks)] == ["A"]


def test_stream_resumes_from_last_event_id(people: Any, enterprise_a: Any, enterprise_b: Any,
                                           redis_stream: RedisBackend) -> None:
    for _ in range(2):
        _publish_a_and_b(redis_stream, enterprise_a, enterprise_b)  # B, A, B, A
    first, second = [e.id for e in redis_stream.recent(0) if e.payload["who"] == "A"]

    async def scenario(last_id: str) -> list[bytes]:
        client = AsyncClient()
        await client.aforce_login(people.officer_a, backend="django.contrib.auth.backends.ModelBackend")
        response = await client.get(STREAM, headers={"Last-Event-ID": last_id})
        stream = response.streaming_content.__aiter__()
        chunks = [await asyncio.wait_for(stream.__anext__(), 2)]
        try:
            while True:
                chunks.append(await asyncio.wait_for(stream.__anext__(), 0.5))
        except TimeoutError:
            pass
        await stream.aclose()
        return chunks

    assert [f["id"] for f in _frames(async_to_sync(scenario)("0"))] == [first, second]
    assert [f["id"] for f in _frames(async_to_sync(scenario)(str(first)))] == [second]
    assert _frames(async_to_sync(scenario)(str(second))) == []
