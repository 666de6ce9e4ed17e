from django.apps import AppConfig


class HazmatConfig(AppConfig):
    """危险化学品"""

    name = "yingji.hazmat"
    label = "hazmat"
    verbose_name = "危险化学品"
    # `yingji demo`: the unloader deletes the demo units before the registry replaces the demo enterprises.
    demo_loader = "yingji.hazmat.demo.load_demo"
    demo_unloader = "yingji.hazmat.demo.unload_demo"
