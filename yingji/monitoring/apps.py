from django.apps import AppConfig


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
