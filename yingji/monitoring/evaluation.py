"""Running the rule engine over stored readings and silence, with its state kept in the database.

Per channel: load ``ChannelRuleState``, feed the new readings in time order (or ``tick(now)``), hand
every transition to the alarm service, count repeats of active episodes, save the state. Runs inside
the caller's transaction so readings, state and alarms commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import alarms
from .models import Alarm, Channel, ChannelRuleState, DeviceStatus
from .rule_binding import rules_for
from .rules import ChannelEvaluator, ChannelState, Reading

_REPEAT_FIELDS = ["repeat_count", "last_value", "last_at", "updated_at"]


def _load_states(channel_ids: Iterable[int]) -> dict[int, ChannelState]:
    rows = ChannelRuleState.objects.select_for_update().filter(channel_id__in=list(channel_ids))
    return {row.channel_id: ChannelState.from_dict(row.state) for row in rows if row.state}


def _save_states(states: Mapping[int, ChannelState]) -> None:
    ChannelRuleState.objects.bulk_create(
        [ChannelRuleState(channel_id=pk, state=st.to_dict()) for pk, st in states.items()],
        update_conflicts=True, unique_fields=["channel"], update_fields=["state", "updated_at"],
    )


def evaluate(batches: Mapping[Channel, Sequence[Reading]]) -> None:
    """Evaluate newly stored readings, per channel in time order, against the persisted rule state."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evaluate must run inside the ingestion transaction")
    states = _load_states(c.pk for c in batches)
    repeated: dict[int, Alarm] = {}
    for channel, readings in batches.items():
        evaluator = ChannelEvaluator(rules_for(channel), states.get(channel.pk))
        active = alarms.active_alarms(channel)
        for reading in sorted(readings, key=lambda r: r.at):
            outcome = evaluator.feed(reading)
            if outcome.ignored is not None:
                continue  # late or out of order: stored, not evaluated
            moved = set()
            for transition in outcome.transitions:
                alarms.apply_transition(channel, transition, active)
                moved.add(transition.rule_id)
            for rule_id, alarm in active.items():
                if rule_id in moved or rule_id == "offline":
                    continue
                # While the sensor is out of range only the range fault sees the reading.
                if evaluator.state.fault != (rule_id == "range"):
                    continue
                alarms.note_repeat(alarm, reading)
                repeated[alarm.pk] = alarm
        states[channel.pk] = evaluator.state
    if repeated:
        now = timezone.now()
        for alarm in repeated.values():
            alarm.updated_at = now
        Alarm.objects.bulk_update(list(repeated.values()), _REPEAT_FIELDS)
    _save_states({c.pk: states[c.pk] for c in batches})


@transaction.atomic
def tick(now: datetime | None = None, *, chunk: int = 2000) -> int:
    """Check every active channel for silence at ``now``; returns the number of offline alarms raised."""
    now = now or timezone.now()
    raised = 0
    channels = Channel.objects.filter(device__status=DeviceStatus.ACTIVE).select_related("device").order_by("pk")
    last_pk = 0
    while True:
        page = list(channels.filter(pk__gt=last_pk)[:chunk])
        if not page:
            return raised
        last_pk = page[-1].pk
        states = _load_states(c.pk for c in page)
        changed: dict[int, ChannelState] = {}
        for channel in page:
            evaluator = ChannelEvaluator(rules_for(channel), states.get(channel.pk))
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
