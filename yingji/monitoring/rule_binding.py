"""A channel's rules: its device type's rule pack, the channel's facts and its overrides.

Built rules are cached per process, keyed by the channel and its last change; the cache holds no state
(rule state lives in ChannelRuleState), so clearing it or restarting loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.core.exceptions import ValidationError

from .models import Channel
from .rule_packs import PACKS
from .rules import ChannelRules, ChannelSpec

_CACHE_LIMIT: Final[int] = 50_000
_rules_cache: dict[tuple[int, datetime | None], ChannelRules] = {}


def build_rules(channel: Channel) -> ChannelRules:
    """The rules in force on a channel; a metric the pack does not know gets the offline and range checks only.

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


def rules_for(channel: Channel) -> ChannelRules:
    """Cached :func:`build_rules`; a changed channel (new ``updated_at``) is rebuilt."""
    key = (channel.pk, channel.updated_at)
    rules = _rules_cache.get(key)
    if rules is None:
        if len(_rules_cache) >= _CACHE_LIMIT:
            _rules_cache.clear()
        rules = _rules_cache[key] = build_rules(channel)
    return rules


def clear_caches() -> None:
    """Forget every built rule set (tests use it to stand in for a restart)."""
    _rules_cache.clear()
