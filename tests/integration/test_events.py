"""Domain events: published only after commit, fanned out in process, streamed by scope over SSE."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import AsyncClient

from yingji.core import events, services
from yingji.core.events import InProcessBackend
from yingji.core.scoping import ScopeFacts
from yingji.registry import services as registry_services
from yingji.registry.choices import VehicleType
from yingji.registry.models import Shelter, Vehicle

STREAM = "/api/v1/events/stream"


@pytest.fixture
def heard() -> list[events.Event]:
    """Every event the bus delivers during the test."""
    received: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(received.append)
    return received



def _run_in_own_loop(scenario: Any) -> Any:
    """Run a coroutine function on a fresh loop in its own thread (the browser tests keep a loop in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()

def test_publish_waits_for_commit(people: Any, heard: list[events.Event],
                                  django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shelter = registry_services.create_record(Shelter, {"name": "场所", "capacity": 5}, actor=people.admin)
        assert heard == []  # not before the commit
    assert len(callbacks) == 1
    assert [(e.topic, e.payload["id"]) for e in heard] == [("registry.shelter.created", shelter.pk)]
    assert heard[0].scope.kind == "registry.shelter"


def test_rolled_back_transaction_publishes_nothing(people: Any, heard: list[events.Event],
                                                   django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                registry_services.create_record(Shelter, {"name": "回滚", "capacity": 5}, actor=people.admin)
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass
    assert callbacks == [] and heard == []
    assert not Shelter.objects.filter(name="回滚").exists()


def test_update_and_delete_publish_with_the_records_scope(people: Any, enterprise_a: Any, heard: list[events.Event],
                                                          django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        vehicle = registry_services.create_record(
            Vehicle, {"plate": "辽L00001", "vehicle_type": VehicleType.values[0]}, actor=people.officer_a)
        registry_services.update_record(vehicle, {"driver": "吴师傅"}, actor=people.officer_a)
        registry_services.delete_record(vehicle, actor=people.officer_a)
    assert [e.topic for e in heard] == ["registry.vehicle.created", "registry.vehicle.updated",
                                        "registry.vehicle.deleted"]
    assert {e.scope.enterprise_id for e in heard} == {enterprise_a.pk}


def test_in_process_fan_out_reaches_every_subscriber() -> None:
    bus = InProcessBackend(keep=3)
    scope = ScopeFacts(kind="test")

    async def scenario() -> list[list[str]]:
        subs = [bus.subscribe(), bus.subscribe()]
        for i in range(4):
            bus.deliver(f"t.{i}", {"i": i}, scope)
        got = [[(await asyncio.wait_for(s.get(), 1)).topic for _ in range(4)] for s in subs]
        subs[0].close()
        bus.deliver("t.after", {}, scope)
        got.append([(await asyncio.wait_for(subs[1].get(), 1)).topic])
        subs[1].close()
        return got

    a, b, after = _run_in_own_loop(scenario)
    assert a == b == ["t.0", "t.1", "t.2", "t.3"]
    assert after == ["t.after"]
    assert [e.topic for e in bus.recent(0)] == ["t.2", "t.3", "t.after"]  # keeps the last `keep`
    assert [e.id for e in bus.recent(4)] == [5]


def test_a_slow_subscriber_drops_the_oldest() -> None:
    bus = InProcessBackend()

    async def scenario() -> tuple[int, str]:
        sub = bus.subscribe()
        sub.queue = asyncio.Queue(maxsize=2)
        for i in range(5):
            bus.deliver(f"t.{i}", {}, ScopeFacts(kind="test"))
        await asyncio.sleep(0)
        first = await sub.get()
        sub.close()
        return sub.queue.qsize(), first.topic

    assert _run_in_own_loop(scenario) == (1, "t.3")


def test_unknown_backend_is_refused(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.YINGJI_EVENT_BACKEND = "carrier-pigeon"
    monkeypatch.setattr(events, "_backend", None)
    with pytest.raises(ValueError, match="carrier-pigeon"):
        events.backend()


# --- the SSE endpoint --------------------------------------------------------------------------------
def _frames(chunks: list[bytes]) -> list[dict[str, Any]]:
    out = []
    for chunk in chunks:
        text = chunk.decode()
        if text.startswith("id:"):
            fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
            out.append({"id": int(fields["id"]), "topic": fields["event"], **json.loads(fields["data"])})
    return out


async def _read_stream(client: AsyncClient, publish: Any, wanted: int,
                       headers: dict[str, str] | None = None) -> tuple[int, list[bytes]]:
    """Open the stream, publish once subscribed, and read `wanted` event frames (or time out)."""
    response = await client.get(STREAM, headers=headers or {})
    if response.status_code != 200:
        return response.status_code, [response.content]
    assert response["Content-Type"] == "text/event-stream"
    stream = response.streaming_content.__aiter__()
    chunks = [await asyncio.wait_for(stream.__anext__(), 2)]  # "retry:" — the subscription now exists
    publish()
    while len(_frames(chunks)) < wanted:
        try:
            chunks.append(await asyncio.wait_for(stream.__anext__(), 0.5))
        except TimeoutError:
            break
    await stream.aclose()
    return 200, chunks


def _publish_a_and_b(enterprise_a: Any, enterprise_b: Any) -> None:
    bus = events.backend()
    bus.deliver("registry.vehicle.created", {"who": "B"}, ScopeFacts(kind="registry.vehicle",
                                                                    enterprise_id=enterprise_b.pk))
    bus.deliver("registry.vehicle.created", {"who": "A"}, ScopeFacts(kind="registry.vehicle",
                                                                    enterprise_id=enterprise_a.pk))
    bus.deliver("alarm.raised", {"who": "A"}, ScopeFacts(kind="registry.vehicle", enterprise_id=enterprise_a.pk))


def test_stream_gives_enterprise_a_only_its_own_events(people: Any, enterprise_a: Any, enterprise_b: Any) -> None:
    async def scenario() -> tuple[int, list[bytes]]:
        client = AsyncClient()
        await client.aforce_login(people.officer_a, backend="django.contrib.auth.backends.ModelBackend")
        return await _read_stream(client, lambda: _publish_a_and_b(enterprise_a, enterprise_b), wanted=3)

    status, chunks = async_to_sync(scenario)()
    assert status == 200
    frames = _frames(chunks)
    assert [(f["topic"], f["payload"]["who"]) for f in frames] == [("registry.vehicle.created", "A"),
                                                                  ("alarm.raised", "A")]


def test_stream_topic_filter_and_replay(people: Any, enterprise_a: Any, enterprise_b: Any) -> None:
    _publish_a_and_b(enterprise_a, enterprise_b)  # before connecting: replayed from `recent`

    async def scenario(last_id: str) -> list[bytes]:
        client = AsyncClient()
        await client.aforce_login(people.officer_a, backend="django.contrib.auth.backends.ModelBackend")
        response = await client.get(STREAM, {"topics": "alarm."}, headers={"Last-Event-ID": last_id})
        stream = response.streaming_content.__aiter__()
        chunks = [await asyncio.wait_for(stream.__anext__(), 2)]
        try:
            while True:
                chunks.append(await asyncio.wait_for(stream.__anext__(), 0.3))
        except TimeoutError:
            pass
        await stream.aclose()
        return chunks

    assert [f["topic"] for f in _frames(async_to_sync(scenario)("0"))] == ["alarm.raised"]
    assert _frames(async_to_sync(scenario)("3")) == []


def test_stream_refuses_anonymous_and_bad_tokens(db: Any) -> None:
    async def scenario() -> list[int]:
        client = AsyncClient()
        plain = await client.get(STREAM)
        forged = await client.get(STREAM, headers={"Authorization": "Bearer yj_not-a-token"})
        return [plain.status_code, forged.status_code]

    assert async_to_sync(scenario)() == [401, 401]


def test_stream_accepts_a_bearer_token_and_applies_its_users_scope(people: Any, enterprise_a: Any,
                                                                   enterprise_b: Any) -> None:
    _, raw = services.issue_api_token(people.officer_b, name="sse", actor=people.admin)

    async def scenario() -> tuple[int, list[bytes]]:
        return await _read_stream(AsyncClient(), lambda: _publish_a_and_b(enterprise_a, enterprise_b), wanted=1,
                                  headers={"Authorization": f"Bearer {raw}"})

    status, chunks = async_to_sync(scenario)()
    assert status == 200
    assert [f["payload"]["who"] for f in _frames(chunks)] == ["B"]


def test_stream_receives_a_committed_service_event(people: Any, enterprise_a: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    """End to end: a service write by A's officer, committed, arrives on A's stream."""

    def write() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            registry_services.create_record(Vehicle, {"plate": "辽L00002", "vehicle_type": VehicleType.values[0]},
                                            actor=people.officer_a)

    async def scenario() -> tuple[int, list[bytes]]:
        client = AsyncClient()
        await client.aforce_login(people.officer_a, backend="django.contrib.auth.backends.ModelBackend")
        from asgiref.sync import sync_to_async

        response = await client.get(STREAM)
        stream = response.streaming_content.__aiter__()
        chunks = [await asyncio.wait_for(stream.__anext__(), 2)]
        await sync_to_async(write)()
        chunks.append(await asyncio.wait_for(stream.__anext__(), 2))
        await stream.aclose()
        return response.status_code, chunks

    status, chunks = async_to_sync(scenario)()
    assert status == 200
    assert [f["topic"] for f in _frames(chunks)] == ["registry.vehicle.created"]
