from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import import_string

from yingji.core.ticks import Tick


class PreventionConfig(AppConfig):
    """双重预防与政府监管"""

    name = "yingji.prevention"
    label = "prevention"
    verbose_name = "双重预防"
    # `yingji demo`: the unloader deletes the demo records before the registry replaces the demo enterprises.
    demo_loader = "yingji.prevention.demo.load_demo"
    demo_unloader = "yingji.prevention.demo.unload_demo"
    demo_ticks = (Tick("prevention_tick", 300),)  # overdue dangers, missed rounds, commitments
    # Labels of the pure grading tables, put in the catalogue by `yingji i18n_labels` (pages translate them).
    label_tables = ("yingji.prevention.grading.LEVEL_LABELS", "yingji.prevention.grading.COLOUR_LABELS",
                    "yingji.prevention.grading.LEC_L", "yingji.prevention.grading.LEC_E",
                    "yingji.prevention.grading.LEC_C", "yingji.prevention.grading.LS_L",
                    "yingji.prevention.grading.LS_S")

    def enterprise_safety_facts(self, enterprise: Any) -> list[Any]:
        """The dashboard's hook (see yingji.core.safety_facts): open hidden dangers, risk colours, inspections."""
        facts: list[Any] = import_string("yingji.prevention.facts.enterprise_safety_facts")(enterprise)
        return facts
