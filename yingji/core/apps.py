from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform kernel."""

    name = "yingji.core"
    label = "core"
    verbose_name = "平台内核"
