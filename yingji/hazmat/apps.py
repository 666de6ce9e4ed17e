from django.apps import AppConfig


class HazmatConfig(AppConfig):
    """危险化学品"""

    name = "yingji.hazmat"
    label = "hazmat"
    verbose_name = "危险化学品"
