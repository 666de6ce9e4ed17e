from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """监测预警"""

    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"
