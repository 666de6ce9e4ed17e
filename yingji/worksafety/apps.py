from django.apps import AppConfig


class WorksafetyConfig(AppConfig):
    """特殊作业与动火工具电子锁"""

    name = "yingji.worksafety"
    label = "worksafety"
    verbose_name = "特殊作业"
    # `yingji demo`: the unloader deletes the demo permits and tools before the registry replaces the enterprises.
    demo_loader = "yingji.worksafety.demo.load_demo"
    demo_unloader = "yingji.worksafety.demo.unload_demo"
