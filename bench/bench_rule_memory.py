"""Rule-engine memory per channel, for 100 000 channels (issue 3 benchmarks; target ≤ 1 KB per channel).

Pure Python, no database: the rule engine is the no-Django core in yingji/monitoring/rules. For each
kind of channel it builds N evaluators the way ingestion does (rules from the device type's pack, state
from the stored JSON) after feeding one channel enough readings to fill every window (a rate-of-change
window, a flat-line run, an active alarm), and measures with tracemalloc:

- **state**: the `ChannelState` objects held while a batch is evaluated (what a worker that kept every
  channel's state in memory would hold);
- **rules**: the built `ChannelRules` as `rule_binding` caches them per process: one `ChannelSpec` per
  channel (source, unit, range), the rule objects shared by channels configured alike (`rules.shared`).
  The channel's facts (sample interval, range, design value) are built as fresh floats for every channel,
  as database rows give them: until the compact layout the bench passed the same literals to every
  channel, so the per-channel cost of those numbers (~70 B, now shared by `rules.shared`) went unseen.
  The cache entry itself is counted too (channel id → hash of the version, rules);
- **stored JSON**: the bytes of `ChannelRuleState.state` per channel in the database.

Usage: python bench/bench_rule_memory.py [--channels 100000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yingji.monitoring.rule_packs import PACKS  # noqa: E402
from yingji.monitoring.rules import ChannelEvaluator, ChannelRules, ChannelState, Reading, shared  # noqa: E402

T0 = datetime(2026, 11, 28, tzinfo=UTC)
TARGET_BYTES = 1024


def row(value: float) -> float:
    """A channel fact as a database row gives it: a new float for every channel, not a shared literal."""
    return float(repr(float(value)))


def water_main(source: str) -> ChannelRules:
    template = PACKS["water_main_monitor"].channels[0]
    return template.build(source, sample_interval_s=row(15), range_min=row(0), range_max=row(1.6))


def gas_detector(source: str) -> ChannelRules:
    template = PACKS["combustible_gas_detector"].channels[0]
    return template.build(source, sample_interval_s=row(10), range_min=row(0), range_max=row(100))


def tank_level(source: str) -> ChannelRules:
    template = next(c for c in PACKS["storage_tank"].channels if c.metric == "tank_level")
    return template.build(source, sample_interval_s=row(30), design=row(15.0), range_min=row(0), range_max=row(20))


# A reading sequence per kind that leaves the state as full as it gets: rate window full, runs counting,
# and an episode active (so levelled states hold counts and the flat-line run is long).
KINDS: dict[str, tuple[Callable[[str], ChannelRules], Callable[[int], float], int]] = {
    "water main (low pressure, drop rate over 300 s, flat line)": (water_main, lambda i: 0.40 - 0.002 * i, 15),
    "combustible gas (H/HH)": (gas_detector, lambda i: 30.0 + (i % 3), 10),
    "tank level (H/HH, L/LL of the design level)": (tank_level, lambda i: 13.0 + 0.01 * i, 30),
}


def filled_state(rules: ChannelRules, value: Callable[[int], float], step_s: int) -> dict[str, object]:
    evaluator = ChannelEvaluator(rules)
    for i in range(60):
        evaluator.feed(Reading(T0 + timedelta(seconds=step_s * i), value(i)))
    return evaluator.state.to_dict()


def cached_entry(n: int, build: Callable[[str], ChannelRules]) -> tuple[int, ChannelRules]:
    """What rule_binding keeps for one channel: (hash of its version as ingestion reads it, shared rules)."""
    version = (f"2026-11-28 10:{n % 60:02d}:00.{n:06d}", f"2026-11-27 09:00:00.{n:06d}")
    return hash(version), shared(build(f"BENCH-{n:06d}/m"))


def measure(label: str, make: Callable[[int], object], count: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [make(n) for n in range(count)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per = (after - before) / count
    print(f"  {label}: {per:,.0f} B per channel ({(after - before) / 1e6:,.1f} MB for {count:,})")
    del held
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=100_000)
    args = parser.parse_args()
    count = args.channels
    worst = 0.0
    for label, (build, value, step_s) in KINDS.items():
        print(f"{label}, {count:,} channels:")
        stored = filled_state(build("BENCH/0"), value, step_s)
        blob = orjson.dumps(stored)
        state = measure("state (ChannelState in memory)",
                        lambda n, blob=blob: ChannelState.from_dict(orjson.loads(blob)), count)
        cache: dict[int, tuple[int, ChannelRules]] = {}
        rules = measure("rules (built ChannelRules in rule_binding's per-process cache, with its entry)",
                        lambda n, build=build, cache=cache: cache.__setitem__(n, cached_entry(n, build)), count)
        cache.clear()
        print(f"  stored JSON: {len(blob)} B per channel")
        total = state + rules
        worst = max(worst, total)
        ok = "OK" if total <= TARGET_BYTES else "BELOW TARGET"
        print(f"  state + rules: **{total:,.0f} B per channel** (target ≤ {TARGET_BYTES} B: {ok})")
    print(f"Summary: at most {worst:,.0f} B of rule-engine memory per channel "
          f"({'OK' if worst <= TARGET_BYTES else 'BELOW TARGET'}, target ≤ {TARGET_BYTES} B)")


if __name__ == "__main__":
    main()
