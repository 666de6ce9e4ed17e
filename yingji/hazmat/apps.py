from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import import_string


class HazmatConfig(AppConfig):
    """危险化学品"""

    name = "yingji.hazmat"
    label = "hazmat"
    verbose_name = "危险化学品"
    # `yingji demo`: the unloader deletes the demo units before the registry replaces the demo enterprises.
    demo_loader = "yingji.hazmat.demo.load_demo"
    demo_unloader = "yingji.hazmat.demo.unload_demo"
    # Import column headers and help, put in the catalogue by `yingji i18n_labels` (the import page translates them).
    label_tables = ("yingji.hazmat.inventory_import.COLUMNS",)

    def ready(self) -> None:
        # The catalogue's loader needs the models, which exist only once the app registry is ready.
        from .catalogue import sync_on_migrate  # noqa: PLC0415 - Django's app-loading order, not a cycle

        post_migrate.connect(sync_on_migrate, sender=self, dispatch_uid="hazmat-catalogue-sync")

    def enterprise_safety_facts(self, enterprise: Any) -> list[Any]:
        """The per-enterprise safety dashboard's hook (yingji.core.safety_facts), read-only."""
        facts: list[Any] = import_string("yingji.hazmat.facts.enterprise_safety_facts")(enterprise)
        return facts
