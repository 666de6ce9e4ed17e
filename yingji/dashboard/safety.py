"""The per-enterprise safety dashboard: facts about one enterprise collected from every app that offers them.

An app offers facts by defining `enterprise_safety_facts(enterprise) -> list[SafetyFact]` on its AppConfig
(hazmat: grade; monitoring: open alarms; prevention: hidden dangers, risk colours, missed inspections,
commitment streak). An app still being written (special-work permits) joins by defining the same method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps

from yingji.core.safety_facts import SafetyFact


@dataclass(frozen=True)
class FactSection:
    """The facts one app contributes, under its name."""

    app_label: str
    title: str
    facts: list[SafetyFact]


def collect(enterprise: Any) -> list[FactSection]:
    """Every contributing app's facts, in INSTALLED_APPS order. The caller has checked the reader may see it."""
    sections = []
    for config in apps.get_app_configs():
        hook = getattr(config, "enterprise_safety_facts", None)
        if callable(hook):
            sections.append(FactSection(config.label, str(config.verbose_name), list(hook(enterprise))))
    return sections
