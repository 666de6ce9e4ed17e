"""The Redis event bus on its own: how many events a process can publish, and publish → subscriber latency.

Starts a private redis-server, then P publisher processes (each its own `RedisBackend`, as web or ingestion
workers would be) that publish events carrying their send time, first at a steady `--rate` per process and
then flat out; a subscriber in this process (another `RedisBackend`, its reader thread and an asyncio
subscription, as an SSE stream uses it) notes when each arrives. Prints events/s and p50 / p99 / max
latency for both phases. Not a test: it prints figures and never fails on them.

    python bench/bench_event_bus.py                       # 2 publishers, 200 events/s each for 5 s, then flat out
    python bench/bench_event_bus.py --publishers 4 --rate 50
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time

import _common
from bench_alarm_latency import start_redis


def publish(url: str, rate: float, seconds: float, phase: str, start_at: float) -> tuple[int, float]:
    """Run in a child process: from wall time ``start_at``, publish for ``seconds`` at ``rate`` per second
    (0: as fast as possible); the number published and the time it took."""
    import django

    django.setup()  # the parent's environment (settings, SECRET_KEY) is inherited; no database is needed
    from yingji.core.events import RedisBackend
    from yingji.core.scoping import ScopeFacts

    bus = RedisBackend(url)
    scope = ScopeFacts(kind="monitoring.device", department_id=1, area_code="211122001")
    time.sleep(max(0.0, start_at - time.time()))
    start, n = time.monotonic(), 0
    while (now := time.monotonic()) - start < seconds:
        if rate and (due := start + n / rate) > now:
            time.sleep(due - now)
        bus.deliver(f"bench.{phase}", {"sent": time.time(), "level": "HH", "message": "压测事件"}, scope)
        n += 1
    elapsed = time.monotonic() - start
    bus.close()
    return n, elapsed


async def listen(bus: object, phase: str, latencies: list[float]) -> None:
    """Until cancelled: the latency of every event of this phase."""
    sub = bus.subscribe()  # type: ignore[attr-defined]
    try:
        while True:
            event = await sub.get()
            if event.topic == f"bench.{phase}":
                latencies.append((time.time() - event.payload["sent"]) * 1000)
    finally:
        sub.close()


def run_phase(url: str, publishers: int, rate: float, seconds: float, phase: str) -> None:
    from yingji.core.events import RedisBackend

    subscriber = RedisBackend(url)
    latencies: list[float] = []
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(publishers) as pool:
        loop = asyncio.new_event_loop()
        listening = loop.create_task(listen(subscriber, phase, latencies))
        loop.run_until_complete(asyncio.sleep(0.5))  # subscribed before anything is published
        start_at = time.time() + 8  # every publisher has imported Django and connected by then
        result = pool.starmap_async(publish, [(url, rate, seconds, phase, start_at)] * publishers)
        while not result.ready():
            loop.run_until_complete(asyncio.sleep(0.1))
        counts = result.get()
        sent = sum(n for n, _ in counts)
        elapsed = max(t for _, t in counts)
        deadline = time.monotonic() + 10
        while len(latencies) < sent and time.monotonic() < deadline:
            loop.run_until_complete(asyncio.sleep(0.1))
        listening.cancel()
        loop.run_until_complete(asyncio.gather(listening, return_exceptions=True))
        loop.close()
    subscriber.close()
    label = f"{rate:g}/s per publisher" if rate else "flat out"
    print(f"{phase:>6} ({label}, {publishers} publishers): {sent:,} sent ≈ {sent / max(elapsed, 1e-9):,.0f} events/s "
          f"over {elapsed:.1f} s, {len(latencies):,} received; latency p50 "
          f"{_common.percentile(latencies, 50):.1f} ms, p99 {_common.percentile(latencies, 99):.1f} ms, "
          f"max {max(latencies):.1f} ms" if latencies else f"{phase}: nothing received")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200, help="events/s per publisher in the steady phase")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    _common.setup_django("event-bus")
    started = start_redis()
    if started is None:
        print("SKIPPED: no redis-server on PATH")
        return
    process, url = started
    try:
        run_phase(url, args.publishers, args.rate, args.seconds, "steady")
        run_phase(url, args.publishers, 0, args.seconds, "burst")
    finally:
        process.terminate()
        process.wait(timeout=5)


if __name__ == "__main__":
    main()
