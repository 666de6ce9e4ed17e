"""The demo's tick supervisor: every tick at start, then each at its own interval; a failure stops nothing."""

from __future__ import annotations

import threading

from yingji.core.ticks import Tick, TickSupervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_tick_runs_at_start_then_at_its_own_interval() -> None:
    clock, ran = Clock(), []
    sup = TickSupervisor([Tick("fast", 15), Tick("slow", 60)], run=lambda t: ran.append(t.command), clock=clock)
    assert sup.run_due() == ["fast", "slow"]
    assert sup.run_due() == []
    assert sup.seconds_to_next() == 15
    clock.now += 15
    assert sup.run_due() == ["fast"]
    clock.now += 45  # 60 s after start
    assert sup.run_due() == ["fast", "slow"]
    assert ran == ["fast", "slow", "fast", "fast", "slow"]


def test_a_failing_tick_is_retried_later_and_does_not_stop_the_others() -> None:
    clock, ran = Clock(), []

    def run(tick: Tick) -> None:
        ran.append(tick.command)
        if tick.command == "broken":
            raise RuntimeError("database is locked")

    sup = TickSupervisor([Tick("broken", 30), Tick("fine", 30)], run=run, clock=clock)
    assert sup.run_due() == ["broken", "fine"]
    clock.now += 30
    assert sup.run_due() == ["broken", "fine"]
    assert ran == ["broken", "fine", "broken", "fine"]


def test_the_thread_runs_the_ticks_and_stops_when_asked() -> None:
    ran = threading.Event()
    sup = TickSupervisor([Tick("monitoring_tick", 30)], run=lambda t: ran.set())
    line = sup.start()
    assert "monitoring_tick（每 30 秒）" in line
    assert ran.wait(5)
    sup.stop(timeout=5)
    assert sup._thread is not None and not sup._thread.is_alive()
