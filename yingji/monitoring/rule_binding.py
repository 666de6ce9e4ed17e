"""A channel's rules: its device type's rule pack, the channel's facts and overrides, and its own rules.

Built rules are cached per process by channel, with a hash of the last change of the channel and of its
device (a new pack type, range or override changes it, and adding, changing or removing a channel's own
rule touches the channel, so every process rebuilds on its next batch without being told). One entry per
channel, an int for its version: the cache is part of the ≤ 1 KB a channel (bench/bench_rule_memory.py).
The cache holds no state (rule state lives in ChannelRuleState), so clearing it or restarting loses nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from .models import Channel, ChannelRule
from .rule_packs import PACKS
from .rules import ChannelRules, ChannelSpec, shared
from .rules.custom import attach, build, describe, text

_CACHE_LIMIT: Final[int] = 200_000
# The punctuation-only phrases of TEXT_PHRASES, which `yingji i18n_labels` skips (no Han), for makemessages.
_PUNCTUATION: Final = (gettext_noop("{a}、{b}"), gettext_noop("{a}，{b}"))


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """What ingestion knows of a channel without loading the model: id, device, reference and version.

    ``version`` is (channel.updated_at, device.updated_at), in any form that changes with them (ingestion
    reads them as text): a change of either rebuilds the rules.
    """

    pk: int
    device_id: int
    reference: str
    version: tuple[Hashable, Hashable]
    streams: bool = False  # its new readings go on the event stream (Channel.publish_readings)


_rules_cache: dict[int, tuple[int, ChannelRules]] = {}  # channel id → (hash of its version, rules)


def build_rules(channel: Channel, own: Iterable[ChannelRule] | None = None) -> ChannelRules:
    """The rules in force on a channel: its pack's (a metric the pack does not know gets the offline and range
    checks only) with the channel's own rules attached (``own``; default: the channel's stored rules).

    :raises ValidationError: an override, design value or range the pack refuses (Chinese message).
    """
    rules = pack_rules(channel)
    if own is None:
        own = channel.custom_rules.all() if channel.pk is not None else ()
    custom = [build(r.kind, r.rule_id, r.name, r.params) for r in own]
    try:
        return attach(rules, custom) if custom else rules
    except ValueError as exc:
        raise ValidationError({"params": str(exc)}) from exc


def pack_rules(channel: Channel) -> ChannelRules:
    """The rules the channel's device type's pack gives it, with the channel's facts and overrides.

    :raises ValidationError: an override, design value or range the pack refuses (Chinese message).
    """
    source = channel.reference
    template = next((c for c in PACKS[channel.device.device_type].channels if c.metric == channel.metric), None) \
        if channel.device.device_type in PACKS else None
    try:
        if template is None:
            spec = ChannelSpec(source, channel.unit, channel.sample_interval_s, channel.range_min, channel.range_max)
            return ChannelRules(spec)
        return template.build(
            source,
            sample_interval_s=channel.sample_interval_s,
            overrides=channel.overrides(),
            design=channel.design_value,
            range_min=channel.range_min,
            range_max=channel.range_max,
        )
    except ValueError as exc:
        raise ValidationError({"rule_overrides": str(exc)}) from exc


def _cached(pk: int, version: tuple[Hashable, Hashable]) -> ChannelRules | None:
    entry = _rules_cache.get(pk)
    return entry[1] if entry is not None and entry[0] == hash(version) else None


def _remember(pk: int, version: tuple[Hashable, Hashable], rules: ChannelRules) -> ChannelRules:
    if len(_rules_cache) >= _CACHE_LIMIT and pk not in _rules_cache:
        _rules_cache.clear()
    rules = shared(rules)  # channels configured alike share their rule objects
    _rules_cache[pk] = (hash(version), rules)
    return rules


def rules_for(channel: Channel, version: tuple[Hashable, Hashable] | None = None) -> ChannelRules:
    """Cached :func:`build_rules` for a loaded channel (its device loaded too).

    ``version``: the form ingestion reads (see :class:`ChannelRef`) when the caller has it, so that both
    paths share one cache entry; default (updated_at of the channel, of the device).
    """
    version = version if version is not None else (channel.updated_at, channel.device.updated_at)
    rules = _cached(channel.pk, version)
    return rules if rules is not None else _remember(channel.pk, version, build_rules(channel))


def rules_for_refs(refs: Iterable[ChannelRef]) -> dict[int, ChannelRules]:
    """The rules of many channels by id; the channels not cached at their version are loaded in one query."""
    found: dict[int, ChannelRules] = {}
    missing: dict[int, ChannelRef] = {}
    for ref in refs:
        rules = _cached(ref.pk, ref.version)
        if rules is None:
            missing[ref.pk] = ref
        else:
            found[ref.pk] = rules
    if missing:
        for channel in Channel.objects.select_related("device").prefetch_related("custom_rules").filter(
                pk__in=list(missing)):
            found[channel.pk] = _remember(channel.pk, missing[channel.pk].version, build_rules(channel))
    return found


def clear_caches() -> None:
    """Forget every built rule set (tests use it to stand in for a restart)."""
    _rules_cache.clear()


def rules_in_force(channel: Channel) -> dict[str, Any]:
    """Every rule the engine evaluates on the channel, the pack's and the channel's own, described alike."""
    own = {r.rule_id: r for r in channel.custom_rules.all()}
    rules = []
    for rule_id, kind, name, params in describe(build_rules(channel, list(own.values()))):
        mine = own.get(rule_id)
        # Labels, pack rule names and the rule line in the reader's language (a name typed for a channel has no entry).
        rules.append({"rule_id": rule_id, "kind": kind.value, "kind_label": gettext(kind.label),
                      "name": gettext(name), "params": params,
                      "text": text(kind, params, channel.unit, gettext),
                      "source": "channel" if mine else "pack", "id": mine.pk if mine else None})
    return {"channel": channel.pk, "unit": channel.unit, "rules": rules}
