"""The per-channel evaluator: readings in time order and ticks in, transitions out, state serialisable.

Order of evaluation for one reading:

1. a reading not later than the last evaluated one is ignored and reported (storage keeps it);
2. an active offline episode recovers;
3. out of the physical range raises a sensor fault, and the process rules and flat-line check skip
   the reading (a broken sensor must not raise a gas alarm);
4. thresholds and rates of change, in the order configured; then the flat-line check.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from yingji.monitoring.rules.base import ChannelSpec, Reading, Transition, fmt, to_micros
from yingji.monitoring.rules.health import FlatLineRule, FlatState, OfflineRule, RangeRule
from yingji.monitoring.rules.levelled import LevelledState, RateOfChangeRule, ThresholdRule

__all__ = ["ChannelEvaluator", "ChannelRules", "ChannelState", "Outcome", "shared"]

STATE_VERSION: Final[int] = 1
_EPOCH: Final[datetime] = datetime(1970, 1, 1, tzinfo=UTC)


def _iso(t_us: int) -> str:
    return (_EPOCH + timedelta(microseconds=t_us)).isoformat()


@dataclass(frozen=True, slots=True)
class ChannelRules:
    """Every rule attached to one channel. Offline and range checks are on unless set to None."""

    spec: ChannelSpec
    thresholds: tuple[ThresholdRule, ...] = ()
    rates: tuple[RateOfChangeRule, ...] = ()
    flat_line: FlatLineRule | None = None
    offline: OfflineRule | None = OfflineRule()
    range_fault: RangeRule | None = RangeRule()

    def __post_init__(self) -> None:
        ids = [
            r.rule_id
            for r in (*self.thresholds, *self.rates, self.flat_line, self.offline, self.range_fault)
            if r is not None
        ]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"通道 {self.spec.source} 的规则编号重复：{'、'.join(duplicates)}")
        for rule in self.thresholds:
            for point in rule.set_points:
                if not self.spec.in_range(point):
                    raise ValueError(
                        f"规则 {rule.rule_id} 的设定值 {fmt(point)} {self.spec.unit} 超出通道量程 "
                        f"{self.spec.range_text}，永远不会触发"
                    )

    @property
    def levelled(self) -> tuple[ThresholdRule | RateOfChangeRule, ...]:
        return (*self.thresholds, *self.rates)

    def by_id(self) -> dict[str, object]:
        """Every rule by its id (rules are frozen and compare by value: a changed one is unequal)."""
        every = (*self.thresholds, *self.rates, self.flat_line, self.offline, self.range_fault)
        return {rule.rule_id: rule for rule in every if rule is not None}


_SHARED_LIMIT: Final[int] = 10_000
_T = TypeVar("_T")
_shared_parts: dict[Any, Any] = {}


def shared(rules: ChannelRules) -> ChannelRules:
    """The same rules, their rule objects shared with every channel configured alike.

    Rules are frozen and compare by value, so the thousands of channels of one pack with the same set
    points hold one copy of each. Of the ChannelSpec only the channel's identity (``source``) stays its
    own: its unit, sample interval and range (fresh objects for every channel read from the database)
    are shared too. For caches that keep rules for many channels (a process's rule-binding cache).
    """
    if len(_shared_parts) >= _SHARED_LIMIT:
        _shared_parts.clear()
    spec = rules.spec
    return ChannelRules(
        ChannelSpec(spec.source, _one(spec.unit), _one(spec.sample_interval_s), _one(spec.range_min),
                    _one(spec.range_max)),
        _shared_parts.setdefault(rules.thresholds, rules.thresholds),
        _shared_parts.setdefault(rules.rates, rules.rates),
        _shared_parts.setdefault(rules.flat_line, rules.flat_line),
        _shared_parts.setdefault(rules.offline, rules.offline),
        _shared_parts.setdefault(rules.range_fault, rules.range_fault),
    )


def _one(value: _T) -> _T:
    # keyed by type and repr: 0 and 0.0, or 0.0 and -0.0, are equal keys but print differently
    shared_value: _T = _shared_parts.setdefault((type(value), repr(value)), value)
    return shared_value


@dataclass(slots=True)
class ChannelState:
    """Everything the evaluator remembers about one channel; ``to_dict`` is JSON-safe.

    Only what is not at rest is held: ``levelled`` has a state for each rule that is active, counting a
    run or keeping a rate window (a threshold rule at rest has none), and ``flat`` is None until the
    flat-line rule sees a reading. The stored form stays version 1: rules at rest are left out (a reader
    creates them when needed, old code too) and a missing flat state is written as the one at rest.
    """

    last_us: int | None = None  # time of the newest evaluated reading
    watch_from_us: int | None = None  # first tick, for a channel that has not reported yet
    offline: bool = False
    fault: bool = False
    levelled: tuple[LevelledState, ...] = ()  # a tuple, not a dict: ~50 B instead of ~200 B a channel
    flat: FlatState | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "last_us": self.last_us,
            "watch_from_us": self.watch_from_us,
            "offline": self.offline,
            "fault": self.fault,
            "levelled": {st.rule_id: st.to_dict() for st in self.levelled},
            "flat": (self.flat or _FLAT_AT_REST).to_dict(),
        }

    def forget(self, rules: ChannelRules, rule_id: str) -> None:
        """Drop what the rule ``rule_id`` of ``rules`` remembers: its episode starts afresh under a changed rule."""
        if rules.offline is not None and rule_id == rules.offline.rule_id:
            self.offline = False
        elif rules.range_fault is not None and rule_id == rules.range_fault.rule_id:
            self.fault = False
        elif rules.flat_line is not None and rule_id == rules.flat_line.rule_id:
            self.flat = None  # at rest
        else:
            self.levelled = tuple(st for st in self.levelled if st.rule_id != rule_id)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChannelState:
        """Rebuild from ``to_dict`` output (also after a JSON round trip, and from states saved before rules
        at rest were left out).

        :raises ValueError: an unknown state version.
        """
        if data.get("v") != STATE_VERSION:
            raise ValueError(f"规则状态版本 {data.get('v')!r} 不受支持（应为 {STATE_VERSION}）")
        last, watch = data["last_us"], data["watch_from_us"]
        flat = FlatState.from_dict(data["flat"])
        return cls(
            last_us=None if last is None else int(last),
            watch_from_us=None if watch is None else int(watch),
            offline=bool(data["offline"]),
            fault=bool(data["fault"]),
            # interned: every channel of a pack repeats the same rule ids
            levelled=tuple(LevelledState.from_dict(sys.intern(key), st) for key, st in data["levelled"].items()),
            flat=None if flat == _FLAT_AT_REST else flat,
        )


_FLAT_AT_REST: Final[FlatState] = FlatState()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one reading did: its transitions, or why it was not evaluated (``ignored``)."""

    transitions: tuple[Transition, ...] = ()
    ignored: str | None = None


class ChannelEvaluator:
    """Evaluates one channel's rules; ``state`` is the only thing that changes and may be saved any time."""

    __slots__ = ("rules", "state")

    def __init__(self, rules: ChannelRules, state: ChannelState | None = None) -> None:
        self.rules = rules
        self.state = state if state is not None else ChannelState()

    def feed(self, reading: Reading) -> Outcome:
        """Evaluate one reading.

        :raises ValueError: (Chinese message) a naive time or a value that is not a finite number.
        """
        t_us = to_micros(reading.at)
        value = reading.value
        if not math.isfinite(value):
            raise ValueError(f"读数必须为有限数值，实际为 {value}")
        st, rules, spec = self.state, self.rules, self.rules.spec
        if st.last_us is not None and t_us <= st.last_us:
            return Outcome(
                ignored=f"读数时间 {reading.at.isoformat()} 不晚于该通道最近评估的读数 {_iso(st.last_us)}，"
                "规则引擎不评估（数据仍可入库）"
            )
        st.last_us = t_us
        out: list[Transition] = []
        if st.offline and rules.offline is not None:
            st.offline = False
            out.append(rules.offline.on_back(spec, value, reading.at))
        if rules.range_fault is not None:
            fault = rules.range_fault.on_reading(st.fault, spec, value, reading.at)
            if fault is not None:
                st.fault = not st.fault
                out.append(fault)
            if st.fault:
                return Outcome(tuple(out))
        for rule in rules.levelled:
            for rule_state in st.levelled:  # a few rules at most: a scan beats a dict per channel
                if rule_state.rule_id == rule.rule_id:
                    break
            else:
                if not rule.wakes(value):
                    continue  # at rest and staying so: nothing to remember
                rule_state = LevelledState(rule.rule_id)
                st.levelled = (*st.levelled, rule_state)
            change = rule.on_reading(rule_state, spec, t_us, value, reading.at)
            if change is not None:
                out.append(change)
            if not rule_state.active and rule_state.idle:
                st.levelled = tuple(s for s in st.levelled if s is not rule_state)
        if rules.flat_line is not None:
            if st.flat is None:
                st.flat = FlatState()
            stuck = rules.flat_line.on_reading(st.flat, spec, t_us, value, reading.at)
            if stuck is not None:
                out.append(stuck)
        return Outcome(tuple(out))

    def tick(self, now: datetime) -> tuple[Transition, ...]:
        """Check for silence at ``now`` (no reading arrives to do it); raises offline at most once.

        :raises ValueError: a naive ``now``.
        """
        now_us = to_micros(now, "检查时间")
        st, rule = self.state, self.rules.offline
        if rule is None or st.offline:
            return ()
        reference = st.last_us if st.last_us is not None else st.watch_from_us
        if reference is None:
            st.watch_from_us = now_us
            return ()
        change = rule.on_tick(self.rules.spec, now_us - reference, now)
        if change is None:
            return ()
        st.offline = True
        return (change,)
