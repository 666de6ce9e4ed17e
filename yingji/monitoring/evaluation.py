"""Running the rule engine over stored readings and silence, with its state kept in the database.

A batch of new readings is evaluated with a constant number of queries: the rule states of its channels
are loaded in one query, every channel's readings are fed in time order in pure Python, and only the
channels where an episode is active or changes touch the alarm tables (their active alarms and channels
in one query each; then one write per transition, as the alarm service does, and one bulk update of the
repeats); the states are saved in bulk. Runs inside the caller's transaction so readings, state and
alarms commit together or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from . import alarms, reading_store
from .models import Alarm, AlarmStatus, Channel, DeviceStatus
from .rule_binding import ChannelRef, rules_for, rules_for_refs
from .rules import ChannelEvaluator, ChannelState, Reading, Transition

_REPEAT_FIELDS = ["repeat_count", "last_value", "last_at", "updated_at"]
_by_time = attrgetter("at")


def _load_states(channel_ids: Iterable[int]) -> dict[int, ChannelState]:
    return {pk: ChannelState.from_dict(data) for pk, data in reading_store.load_rule_states(list(channel_ids)).items()}


def _save_states(states: Mapping[int, ChannelState]) -> None:
    reading_store.save_rule_states({pk: st.to_dict() for pk, st in states.items()})


def _engaged(state: ChannelState | None) -> bool:
    """Whether the engine holds an episode open on the channel (its alarm may count repeats)."""
    if state is None:
        return False
    return state.offline or state.fault or (state.flat is not None and state.flat.active) \
        or any(s.active for s in state.levelled)


@dataclass(frozen=True, slots=True)
class _Step:
    """One evaluated reading of a channel with an episode: what it changed, and the fault flag after it."""

    reading: Reading
    transitions: tuple[Transition, ...]
    fault: bool


def _active_by_channel(channel_ids: Iterable[int]) -> dict[int, dict[str, Alarm]]:
    """Active episodes (not recovered, not closed) of many channels, by channel and rule id."""
    found: dict[int, dict[str, Alarm]] = defaultdict(dict)
    rows = (Alarm.objects.filter(channel_id__in=list(channel_ids), recovered_at__isnull=True)
            .exclude(status=AlarmStatus.CLOSED).select_related("channel__device"))
    for alarm in rows:
        found[alarm.channel_id][alarm.rule_id] = alarm
    return found


def _apply(steps: Mapping[int, Sequence[_Step]]) -> None:
    """Hand the recorded transitions to the alarm service and count repeats of the active episodes."""
    active = _active_by_channel(steps)
    channels = Channel.objects.select_related("device").in_bulk(
        [pk for pk, recorded in steps.items() if any(step.transitions for step in recorded)])
    repeated: dict[int, Alarm] = {}
    for pk, recorded in steps.items():
        open_ = active[pk]
        for step in recorded:
            moved = set()
            for transition in step.transitions:
                alarms.apply_transition(channels[pk], transition, open_)
                moved.add(transition.rule_id)
            for rule_id, alarm in open_.items():
                if rule_id in moved or rule_id == "offline":
                    continue
                # While the sensor is out of range only the range fault sees the reading.
                if step.fault != (rule_id == "range"):
                    continue
                alarms.note_repeat(alarm, step.reading)
                repeated[alarm.pk] = alarm
    if repeated:
        now = timezone.now()
        for alarm in repeated.values():
            alarm.updated_at = now
        Alarm.objects.bulk_update(list(repeated.values()), _REPEAT_FIELDS)


def evaluate(batches: Mapping[ChannelRef, Sequence[Reading]]) -> None:
    """Evaluate newly stored readings, per channel in time order, against the persisted rule state."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evaluate must run inside the ingestion transaction")
    if not batches:
        return
    states = _load_states(ref.pk for ref in batches)
    rules = rules_for_refs(batches)
    steps: dict[int, list[_Step]] = {}
    for ref, readings in batches.items():
        state = states.get(ref.pk)
        evaluator = ChannelEvaluator(rules[ref.pk], state)
        engaged = _engaged(state)
        recorded: list[_Step] = []
        for reading in sorted(readings, key=_by_time):
            outcome = evaluator.feed(reading)
            if outcome.ignored is not None:
                continue  # late or out of order: stored, not evaluated
            if outcome.transitions:
                engaged = True
            if engaged:  # before its first transition a channel with no episode has nothing to repeat
                recorded.append(_Step(reading, outcome.transitions, evaluator.state.fault))
        if recorded:
            steps[ref.pk] = recorded
        states[ref.pk] = evaluator.state
    if steps:
        _apply(steps)
    _save_states({ref.pk: states[ref.pk] for ref in batches})


@transaction.atomic
def tick(now: datetime | None = None, *, chunk: int = 2000) -> int:
    """Check every active channel for silence at ``now``; returns the number of offline alarms raised."""
    now = now or timezone.now()
    raised = 0
    # Versions as text, the form ingestion reads, so a process that ingests and ticks caches rules once.
    channels = (Channel.objects.filter(device__status=DeviceStatus.ACTIVE).select_related("device")
                .prefetch_related("custom_rules").order_by("pk")
                .annotate(rule_version=Cast("updated_at", CharField()),
                          device_rule_version=Cast("device__updated_at", CharField())))
    last_pk = 0
    while True:
        page = list(channels.filter(pk__gt=last_pk)[:chunk])
        if not page:
            return raised
        last_pk = page[-1].pk
        states = _load_states(c.pk for c in page)
        changed: dict[int, ChannelState] = {}
        for channel in page:
            rules = rules_for(channel, (channel.rule_version, channel.device_rule_version))  # type: ignore[attr-defined]
            evaluator = ChannelEvaluator(rules, states.get(channel.pk))
            before = evaluator.state.to_dict()
            transitions = evaluator.tick(now)
            if transitions:
                active = alarms.active_alarms(channel)
                for transition in transitions:
                    alarms.apply_transition(channel, transition, active)
                raised += len(transitions)
            if evaluator.state.to_dict() != before:
                changed[channel.pk] = evaluator.state
        if changed:
            _save_states(changed)
