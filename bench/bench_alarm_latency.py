"""Alarm latency: from the HTTP batch that crosses a threshold to the alarm on the SSE stream, under load.

Starts `yingji serve` in a subprocess on a fresh SQLite file (or DATABASE_URL's test database), connects an
SSE client (`/api/v1/events/stream?topics=monitoring.alarm.raised`, bearer token of a county admin), and
posts batches of readings from sender threads at the target rate (default 10 000 readings/s in batches of
1 000, 10 readings of each of 100 channels) for a while. A few batches a second carry one reading of
60 %LEL on a fresh "probe" gas detector
(the GB/T 50493 pack: level 2 at 50 %LEL), which raises an alarm at once. Prints, per probe:

- send → SSE: from the client's send time of the crossing batch to the SSE frame's arrival (includes the
  server's work on the whole batch: the conservative figure, the one the target is about);
- answer → SSE: from the HTTP answer's arrival (the batch is committed) to the frame (negative when the
  event overtook the answer);
- event → SSE: from the server's timestamp in the event (taken when it is published, after commit);

p50 / p99 / max of each, how many probes never arrived, and the ingest rate actually achieved (readings the
server answered `stored` per second of the run). Not a test: it prints figures and never fails on them.

    python bench/bench_alarm_latency.py                     # 10 000 readings/s for 30 s
    python bench/bench_alarm_latency.py --seconds 10 --rate 2000
    python bench/bench_alarm_latency.py --start-redis --workers 2   # Redis event bus, two uvicorn workers
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import _common

TARGET_P99_MS = 500.0
READINGS = "/api/v1/monitoring/readings"
STREAM = "/api/v1/events/stream?topics=monitoring.alarm.raised"
PROBE_VALUE = 60.0  # %LEL: past level 2 (50 %LEL) of the combustible-gas pack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def make_channels(background: int, probes: int) -> tuple[list[int], list[int]]:
    """Gas detectors: ``background`` channels that stay quiet and ``probes`` that each cross once."""
    from yingji.core.models import AdminArea, Department
    from yingji.monitoring.models import Channel, Device

    dept = Department.objects.get(code="yjj")
    area = AdminArea.objects.get(code="211122001")
    devices = Device.objects.bulk_create(
        [Device(code=f"BENCH-{kind}-{i:05d}", name=f"压测可燃气体探测器 {kind}{i}",
                device_type="combustible_gas_detector", owner_department=dept, admin_area=area)
         for kind, count in (("BG", background), ("PROBE", probes)) for i in range(count)], batch_size=2000)
    channels = Channel.objects.bulk_create(
        [Channel(device=d, metric="combustible_gas", unit="%LEL", range_min=0, range_max=100, sample_interval_s=1)
         for d in devices], batch_size=2000)
    ids = [c.pk for c in channels]
    return ids[:background], ids[background:]


@dataclass
class Probe:
    channel: int
    sent: float = 0.0
    answered: float = 0.0
    seen: float | None = None
    event_time: float | None = None


@dataclass
class Run:
    background: list[int]
    probes: list[Probe]
    rate: float
    batch: int
    probe_every: int  # batches
    seconds: float
    token: str
    port: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_batch: int = 0
    next_probe: int = 0
    stored: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    t0: float = 0.0

    def take(self) -> tuple[int, Probe | None] | None:
        """The next batch number and its probe, or None when the run is over (by the clock: a server slower
        than the target rate is measured over the same time, not made to take every scheduled batch)."""
        with self.lock:
            k = self.next_batch
            if k * self.batch / self.rate >= self.seconds or time.monotonic() - self.t0 >= self.seconds:
                return None
            self.next_batch += 1
            probe = None
            if k % self.probe_every == self.probe_every // 2 and self.next_probe < len(self.probes):
                probe = self.probes[self.next_probe]
                self.next_probe += 1
            return k, probe


def sender(run: Run) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", run.port, timeout=120)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {run.token}"}
    rng = random.Random(threading.get_ident())
    while (job := run.take()) is not None:
        k, probe = job
        due = run.t0 + k * run.batch / run.rate
        if (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        # One reading per background channel per millisecond: ``batch / channels`` instants per channel.
        base = datetime.now(UTC).timestamp()
        per_channel = run.batch // len(run.background)
        times = [datetime.fromtimestamp(base - i / 1000, UTC).isoformat() for i in range(per_channel)]
        readings = [{"channel": c, "time": t, "value": round(rng.uniform(0.2, 2.0), 1)}
                    for t in reversed(times) for c in run.background]
        if probe is not None:
            readings[-1] = {"channel": probe.channel, "time": times[0], "value": PROBE_VALUE}
        body = json.dumps(readings)
        sent = time.time()
        conn.request("POST", READINGS, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        answered = time.time()
        if response.status != 200:
            run.errors.append(f"HTTP {response.status}: {answer[:200]!r}")
            continue
        stored = json.loads(answer)["stored"]
        with run.lock:
            run.stored += stored
            run.sent += len(readings)
        if probe is not None:
            probe.sent, probe.answered = sent, answered
    conn.close()


def listen(run: Run, ready: threading.Event, stop: threading.Event) -> None:
    """Read the SSE stream; note when each probe's alarm arrives."""
    by_channel = {p.channel: p for p in run.probes}
    conn = http.client.HTTPConnection("127.0.0.1", run.port)  # no timeout: a timed-out socket cannot be read again
    conn.request("GET", STREAM, headers={"Authorization": f"Bearer {run.token}", "Accept": "text/event-stream"})
    response = conn.getresponse()
    if response.status != 200:
        run.errors.append(f"SSE HTTP {response.status}")
        ready.set()
        return
    while not stop.is_set():
        line = response.fp.readline()
        if not line:
            break
        if line.startswith(b"retry:"):
            ready.set()
        elif line.startswith(b"data: "):
            arrived = time.time()
            frame = json.loads(line[6:])
            probe = by_channel.get(frame["payload"]["channel"])
            if probe is not None and probe.seen is None:
                probe.seen = arrived
                probe.event_time = datetime.fromisoformat(frame["time"]).timestamp()
    conn.close()


def start_redis() -> tuple[subprocess.Popen[bytes], str] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {_common.percentile(values, 50):7.1f} ms   p99 {_common.percentile(values, 99):7.1f} ms   "
            f"max {max(values):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10_000, help="target readings per second (default 10 000)")
    parser.add_argument("--batch", type=int, default=1_000, help="readings per HTTP batch (default 1 000)")
    parser.add_argument("--seconds", type=float, default=30, help="length of the run (default 30)")
    parser.add_argument("--channels", type=int, default=100,
                        help="background channels; each batch carries batch/channels readings of each (default 100)")
    parser.add_argument("--probes-per-s", type=float, default=4, help="threshold crossings per second (default 4)")
    parser.add_argument("--senders", type=int, default=1,
                        help="sender threads (default 1: concurrent batches on SQLite wait on its write lock)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (more than 1 needs Redis)")
    parser.add_argument("--redis-url", help="use the Redis event backend at this URL")
    parser.add_argument("--start-redis", action="store_true", help="start a private redis-server for the run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    args = parser.parse_args()

    env = _common.setup_django("alarm-latency", keep=args.keep)
    from yingji.core import services

    admin = _common.county_admin()
    _, token = services.issue_api_token(admin, name="bench", actor=admin)
    batches_per_s = args.rate / args.batch
    probe_every = max(1, round(batches_per_s / args.probes_per_s))
    n_probes = int(args.seconds * batches_per_s / probe_every) + 1
    background, probe_ids = make_channels(min(args.channels, args.batch), n_probes)
    from django.db import connection

    connection.close()

    redis_process = None
    server_env = {**os.environ, **env.server_env, "LOG_LEVEL": "WARNING"}
    backend_label = "in-process"
    if args.start_redis:
        started = start_redis()
        if started is None:
            print("SKIPPED: --start-redis but no redis-server on PATH")
            return
        redis_process, args.redis_url = started
    if args.redis_url:
        server_env["YINGJI_EVENT_BACKEND"] = args.redis_url
        backend_label = f"Redis ({args.redis_url})"
    elif args.workers > 1:
        print("SKIPPED: several workers need the Redis event backend (--redis-url or --start-redis)")
        return
    port = _free_port()
    log = (env.tmp / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "yingji.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        cwd=_common.ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        if not _wait_for_port(port, server):
            print(f"SKIPPED: the server did not start (see {env.tmp / 'server.log'})")
            return
        run = Run(background, [Probe(c) for c in probe_ids], args.rate, args.batch, probe_every, args.seconds,
                  token, port)
        ready, stop = threading.Event(), threading.Event()
        listener = threading.Thread(target=listen, args=(run, ready, stop), daemon=True)
        listener.start()
        if not ready.wait(30):
            print("SKIPPED: the SSE stream did not open")
            return
        print(f"database: {_common.db_label()}; events: {backend_label}; uvicorn workers: {args.workers}")
        print(f"target {args.rate:,.0f} readings/s in batches of {args.batch} for {args.seconds:g} s, "
              f"{args.senders} sender threads, a crossing every {probe_every} batches")
        run.t0 = time.monotonic()
        cpu0 = _cpu_of(server.pid)
        senders = [threading.Thread(target=sender, args=(run,)) for _ in range(args.senders)]
        for s in senders:
            s.start()
        for s in senders:
            s.join()
        elapsed = time.monotonic() - run.t0
        server_cpu = _cpu_of(server.pid) - cpu0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(p.seen is None for p in run.probes if p.sent):
            time.sleep(0.1)
        stop.set()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=5)

    sent = [p for p in run.probes if p.sent]
    arrived = [p for p in sent if p.seen is not None]
    send_to_sse = [(p.seen - p.sent) * 1000 for p in arrived if p.seen is not None]
    answer_to_sse = [(p.seen - p.answered) * 1000 for p in arrived if p.seen is not None]
    event_to_sse = [(p.seen - p.event_time) * 1000 for p in arrived if p.seen is not None and p.event_time]
    print(f"ingest achieved: {run.stored / elapsed:,.0f} readings/s stored ({run.sent:,} sent, {run.stored:,} stored "
          f"in {elapsed:.1f} s; server CPU {server_cpu:.1f} s = {server_cpu / elapsed:.0%} of one core)")
    print(f"alarms: {len(arrived)} of {len(sent)} crossings arrived on the stream")
    print(f"  send → SSE    {stats(send_to_sse)}")
    print(f"  answer → SSE  {stats(answer_to_sse)}")
    print(f"  event → SSE   {stats(event_to_sse)}")
    for error in run.errors[:5]:
        print(f"  error: {error}")
    if send_to_sse:
        p99 = _common.percentile(send_to_sse, 99)
        print(f"p99 send → SSE {p99:.0f} ms vs target < {TARGET_P99_MS:.0f} ms: "
              f"{_common.verdict(p99 < TARGET_P99_MS and len(arrived) == len(sent))}")
    print(f"achieved rate vs target {args.rate:,.0f}/s: {_common.verdict(run.stored / elapsed >= 0.95 * args.rate)}")


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process and its children (uvicorn workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115
        pids += [int(c) for c in children]
    except OSError:
        return 0.0
    for p in pids:
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


if __name__ == "__main__":
    main()
