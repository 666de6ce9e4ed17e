from django.apps import AppConfig
from django.utils.module_loading import import_string

from yingji.core.ticks import Tick


class WorksafetyConfig(AppConfig):
    """特殊作业与动火工具电子锁"""

    name = "yingji.worksafety"
    label = "worksafety"
    verbose_name = "特殊作业"
    # `yingji demo`: the unloader deletes the demo permits and tools before the registry replaces the enterprises.
    demo_loader = "yingji.worksafety.demo.load_demo"
    demo_unloader = "yingji.worksafety.demo.unload_demo"
    # Labels of the pure GB 30871 tables, put in the catalogue by `yingji i18n_labels` (pages translate them).
    label_tables = ("yingji.worksafety.constants.WORK_TYPE_LABELS", "yingji.worksafety.constants.LEVEL_LABELS",
                    "yingji.worksafety.constants.APPROVER_LABELS", "yingji.worksafety.constants.CERTIFICATES",
                    "yingji.worksafety.constants.COMMON_MEASURES", "yingji.worksafety.constants.MEASURES")
    demo_ticks = (Tick("worksafety_tick", 60),)  # expiry, stale analyses, alarms on 特级动火 monitors

    def ready(self) -> None:
        # 特级动火: an alarm on a channel a permit in progress names stops the work (watch_services).
        import_string("yingji.worksafety.watch_services.register")()
