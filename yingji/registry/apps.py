from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Enterprises, schools and the county's emergency resources."""

    name = "yingji.registry"
    label = "registry"
    verbose_name = "资源登记"
    # `yingji demo` calls this (password=…) and prints the DemoSection it returns.
    demo_loader = "yingji.registry.demo.loader.load_demo"
