"""Which channels a notice goes to: routing rules matched against a notice's facts. Pure: no Django.

A rule matches when every condition it sets holds; a condition left empty matches anything:
- domain: the notice's domain equals it ("monitoring", "hazmat", "command", …);
- kinds: the notice's kind is one of them ("raised", "escalated", "closed", …);
- min_level: the notice's level is at least this (levels grow with severity, see docs/notify.md);
- area_prefix: the notice's admin area code starts with it (codes are hierarchical: county → village);
- department_id: the notice concerns this department.
A notice goes to the union of the channels of every matching rule, each channel once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NoticeFacts:
    """What routing looks at in a notice."""

    domain: str
    kind: str
    level: int
    area_code: str | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    """One routing rule as routing sees it: its conditions and the channels it sends to."""

    id: int
    channel_ids: tuple[int, ...]
    domain: str = ""
    kinds: frozenset[str] = field(default_factory=frozenset)
    min_level: int = 0
    area_prefix: str = ""
    department_id: int | None = None


def rule_matches(rule: RuleSpec, notice: NoticeFacts) -> bool:
    """True when every condition the rule sets holds for the notice."""
    if rule.domain and rule.domain != notice.domain:
        return False
    if rule.kinds and notice.kind not in rule.kinds:
        return False
    if notice.level < rule.min_level:
        return False
    if rule.area_prefix and not (notice.area_code or "").startswith(rule.area_prefix):
        return False
    return rule.department_id is None or rule.department_id == notice.department_id


def route(notice: NoticeFacts, rules: Iterable[RuleSpec]) -> list[int]:
    """The channels the notice goes to, each once, in the order the rules name them."""
    channels: dict[int, None] = {}
    for rule in rules:
        if rule_matches(rule, notice):
            channels.update(dict.fromkeys(rule.channel_ids))
    return list(channels)
