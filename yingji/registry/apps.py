from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Enterprises, schools and the county's emergency resources."""

    name = "yingji.registry"
    label = "registry"
    verbose_name = "资源登记"
