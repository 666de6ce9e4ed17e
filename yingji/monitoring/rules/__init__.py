"""The monitoring rule engine, pure Python: no Django, no database.

Rules are frozen dataclasses attached to a channel (:class:`ChannelRules`); a :class:`ChannelEvaluator`
is fed that channel's readings one at a time in time order, and ``tick(now)`` between readings, and
returns :class:`Transition` objects (raised / escalated / de-escalated / recovered). Everything it
remembers is in :class:`ChannelState`, whose ``to_dict()`` is JSON-safe and ``from_dict()`` rebuilds it,
so rule state survives a restart. One episode per (source, rule): repeats of an active condition yield
nothing. See docs/monitoring.md.
"""

from yingji.monitoring.rules.base import Category, Change, ChannelSpec, Hold, Level, Reading, Transition
from yingji.monitoring.rules.evaluator import ChannelEvaluator, ChannelRules, ChannelState, Outcome, shared
from yingji.monitoring.rules.health import FlatLineRule, OfflineRule, RangeRule
from yingji.monitoring.rules.levelled import Direction, RateOfChangeRule, ThresholdRule, Trend

__all__ = [
    "Category",
    "Change",
    "ChannelEvaluator",
    "ChannelRules",
    "ChannelSpec",
    "ChannelState",
    "Direction",
    "FlatLineRule",
    "Hold",
    "Level",
    "OfflineRule",
    "Outcome",
    "RangeRule",
    "RateOfChangeRule",
    "Reading",
    "ThresholdRule",
    "Transition",
    "Trend",
    "shared",
]
