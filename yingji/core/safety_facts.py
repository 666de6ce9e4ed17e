"""What an app tells the per-enterprise safety dashboard: a few labelled facts about one enterprise.

Every AppConfig that defines `enterprise_safety_facts(enterprise) -> list[SafetyFact]` contributes its facts;
the dashboard (yingji.dashboard) collects them in app order. Facts are read-only summaries; the dashboard
checks that the reader may see the enterprise before asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Tone(StrEnum):
    """How the dashboard colours a fact."""

    OK = "ok"
    INFO = "info"
    WARN = "warn"
    DANGER = "danger"


@dataclass(frozen=True)
class SafetyFact:
    """One figure about an enterprise's safety: `key` is stable (e.g. "hazmat.grade"), `label` and `value` are
    what a person reads, `detail` optional lines under it, `url` where to look further."""

    key: str
    label: str
    value: str
    tone: Tone = Tone.INFO
    detail: list[str] = field(default_factory=list)
    url: str = ""
