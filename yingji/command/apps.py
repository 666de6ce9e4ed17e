from django.apps import AppConfig


class CommandConfig(AppConfig):
    """应急指挥"""

    name = "yingji.command"
    label = "command"
    verbose_name = "应急指挥"
