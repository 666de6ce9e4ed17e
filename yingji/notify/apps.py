from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """消息通知"""

    name = "yingji.notify"
    label = "notify"
    verbose_name = "消息通知"
    # `yingji demo`: an in-app channel for the emergency bureau and a rule for monitoring alarms.
    demo_loader = "yingji.notify.demo.load_demo"
    # `yingji demo` (serving): the delivery worker runs in a daemon thread beside the server.
    demo_background = "yingji.notify.worker.start_in_background"
