from django.apps import AppConfig


class CommandConfig(AppConfig):
    """应急指挥"""

    name = "yingji.command"
    label = "command"
    verbose_name = "应急指挥"
    demo_loader = "yingji.command.demo.load_demo"
    demo_unloader = "yingji.command.demo.unload_demo"
