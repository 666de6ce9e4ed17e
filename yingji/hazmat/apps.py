from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import import_string


class HazmatConfig(AppConfig):
    """危险化学品"""

    name = "yingji.hazmat"
    label = "hazmat"
    verbose_name = "危险化学品"
    # `yingji demo`: the unloader deletes the demo units before the registry replaces the demo enterprises.
    demo_loader = "yingji.hazmat.demo.load_demo"
    demo_unloader = "yingji.hazmat.demo.unload_demo"

    def enterprise_safety_facts(self, enterprise: Any) -> list[Any]:
        """The per-enterprise safety dashboard's hook (yingji.core.safety_facts), read-only."""
        facts: list[Any] = import_string("yingji.hazmat.facts.enterprise_safety_facts")(enterprise)
        return facts
