from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform kernel."""

    name = "yingji.core"
    label = "core"
    verbose_name = "平台内核"
    # `yingji demo` calls this (password=…) and prints the DemoSection it returns.
    demo_loader = "yingji.core.demo.load_demo"
