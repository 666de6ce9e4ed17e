"""The periodic ticks run beside `yingji demo`'s server, in one supervisor thread stopped with the demo.

Each app names its tick (a management command run once per call) and a sensible interval as ``demo_ticks``
on its AppConfig; core knows only the command names, so the layers still point one way. In production the
ticks run as their own processes (`yingji monitoring_tick --every 30` …, docs/deploy.md); the demo runs them
in-process so a visitor sees permits expire, dangers escalate and drill injects arrive without starting them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import close_old_connections

log = logging.getLogger("yingji.ticks")


@dataclass(frozen=True)
class Tick:
    """One periodic command: its name, how often it runs, and the arguments that make it run once."""

    command: str
    every_s: float
    args: tuple[str, ...] = ()


def demo_ticks() -> list[Tick]:
    """Every app's ``demo_ticks``, in app order."""
    return [tick for config in apps.get_app_configs() for tick in getattr(config, "demo_ticks", ())]


def run_command(tick: Tick) -> None:
    """Run one tick's command once, on a fresh connection; its report lines go to the log (quiet beside the
    server's own log)."""
    close_old_connections()
    out = StringIO()
    try:
        call_command(tick.command, *tick.args, stdout=out)
    finally:
        close_old_connections()  # never hold a connection (an SQLite lock) between rounds
    for line in out.getvalue().splitlines():
        log.debug("%s: %s", tick.command, line)


class TickSupervisor:
    """Runs each tick when due (all at once on start, then every ``every_s``) until ``stop()``."""

    def __init__(self, ticks: list[Tick], *, run: Callable[[Tick], None] = run_command,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ticks = list(ticks)
        self._run = run
        self._clock = clock
        self._due = {t.command: clock() for t in self.ticks}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[str]:
        """Run every tick whose time has come; the commands run. A failing tick is logged and retried at its
        next interval, so it never stops the others or the server."""
        ran = []
        for tick in self.ticks:
            now = self._clock()
            if now < self._due[tick.command]:
                continue
            self._due[tick.command] = now + tick.every_s
            try:
                self._run(tick)
            except Exception:  # noqa: BLE001 — a demo helper must never take the server down (as the simulator)
                log.exception("定时任务 %s 失败，%.0f 秒后重试", tick.command, tick.every_s)
            ran.append(tick.command)
        return ran

    def seconds_to_next(self) -> float:
        return max(0.0, min((d - self._clock() for d in self._due.values()), default=1.0))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(min(self.seconds_to_next(), 1.0))

    def start(self) -> str:
        """Start the supervisor thread; one line for the console."""
        self._thread = threading.Thread(target=self._loop, name="yingji-ticks", daemon=True)
        self._thread.start()
        names = "、".join(f"{t.command}（每 {t.every_s:g} 秒）" for t in self.ticks)
        return f"定时任务：{names}；随演示服务一起停止（--no-ticks 关闭）"

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop after the tick it is running, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
