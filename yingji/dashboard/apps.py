from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The one map, the one table and the home page."""

    name = "yingji.dashboard"
    label = "dashboard"
    verbose_name = "一张图"
