from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import import_string

from yingji.core.ticks import Tick


class MonitoringConfig(AppConfig):
    """监测预警"""

    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"
    # `yingji demo`: run every app's demo_unloader (reverse app order) before the loaders, so the demo
    # devices go before the registry replaces the demo enterprises they point at.
    demo_loader = "yingji.monitoring.demo.loader.load_demo"
    demo_unloader = "yingji.monitoring.demo.loader.unload_demo"
    # `yingji demo` (serving): called with the server's URL once loaded; returns one line to print.
    demo_background = "yingji.monitoring.demo.runner.start_in_background"
    demo_ticks = (Tick("monitoring_tick", 30),)  # offline, escalation, rollups (docs/deploy.md: every 30 s)
    # Rule-form labels, rule-line phrases and pack rule names, put in the catalogue by `yingji i18n_labels`.
    label_tables = ("yingji.monitoring.rules.custom.LABELS", "yingji.monitoring.rules.custom.FIELD_CHOICES",
                    "yingji.monitoring.rules.custom.TEXT_PHRASES", "yingji.monitoring.rule_packs.packs.RULE_NAMES")

    def enterprise_safety_facts(self, enterprise: Any) -> list[Any]:
        """The per-enterprise safety dashboard's hook (yingji.core.safety_facts), read-only."""
        facts: list[Any] = import_string("yingji.monitoring.facts.enterprise_safety_facts")(enterprise)
        return facts
