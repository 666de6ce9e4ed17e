from django.apps import AppConfig

from yingji.core.ticks import Tick


class CommandConfig(AppConfig):
    """应急指挥"""

    name = "yingji.command"
    label = "command"
    verbose_name = "应急指挥"
    demo_loader = "yingji.command.demo.load_demo"
    demo_unloader = "yingji.command.demo.unload_demo"
    demo_ticks = (Tick("command_tick", 15, ("--once",)),)  # drill injects (its own default interval)
