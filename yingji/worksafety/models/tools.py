"""Hot-work tools with electronic locks: the tool, each unlock granted or refused, and what the lock reported."""

from __future__ import annotations

from django.db import models

from yingji.core.models import OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

TOOL_SCOPE = ScopeRule(kind="worksafety.permit", department="tool__owner_department", area="tool__admin_area",
                       enterprise="tool__enterprise")


class ToolKind(models.TextChoices):
    WELDER = "welder", "电焊机"
    CUTTER = "cutter", "切割机"
    GAS_CUTTING = "gas_cutting", "气割设备"
    GRINDER = "grinder", "砂轮机"


class Tool(OwnedModel):
    """A welding or cutting machine whose power is held by an e-lock; it runs only on a signed unlock token.

    Its lock is a monitoring device (type ``tool_elock``) with a ``lock_state`` channel, made when the tool is
    registered, so a lock opened without a permit raises an alarm through the platform's alarm service.
    """

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="tools",
                                   verbose_name="企业")
    name = models.CharField("工具名称", max_length=100)
    kind = models.CharField("工具类型", max_length=16, choices=ToolKind.choices)
    serial_no = models.CharField("出厂编号", max_length=64, blank=True)
    lock_id = models.CharField("电子锁编号", max_length=64, unique=True,
                               error_messages={"unique": "电子锁编号已登记在其他工具上"})
    device = models.OneToOneField("monitoring.Device", on_delete=models.PROTECT, related_name="tool",
                                  editable=False, verbose_name="电子锁设备")
    is_active = models.BooleanField("在用", default=True)

    scope_rule = ScopeRule(kind="worksafety.permit", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = "动火工具"
        verbose_name_plural = "动火工具"

    def __str__(self) -> str:
        return f"{self.name}（锁 {self.lock_id}）"


class UnlockRequest(TimeStampedModel):
    """One scan of a tool's QR code: granted with a signed single-use token, or refused with the reason.

    ``token_id`` is the token's ``jti``; ``used_at`` is set when the lock reports the unlock it allowed, so a
    token is honoured once on the platform side as well as in the lock.
    """

    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="unlocks", verbose_name="工具")
    permit = models.ForeignKey("worksafety.Permit", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="unlocks", verbose_name="作业票")
    requested_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    worker_certificate = models.CharField("作业人员证书编号", max_length=64, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    distance_m = models.FloatField("距作业点（m）", null=True, blank=True)
    granted = models.BooleanField("准予开锁")
    reason = models.CharField("拒绝原因", max_length=300, blank=True)
    token_id = models.CharField("令牌编号", max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField("令牌过期时间", null=True, blank=True)
    used_at = models.DateTimeField("开锁时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = TOOL_SCOPE

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "开锁申请"
        verbose_name_plural = "开锁申请"

    def __str__(self) -> str:
        return f"{self.tool.lock_id} {'准予' if self.granted else '拒绝'}"


class LockEvent(TimeStampedModel):
    """What a lock reported (unlocked / locked), whether a valid token and permit stood behind it."""

    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="lock_events", verbose_name="工具")
    state = models.CharField("锁状态", max_length=16, choices=[("unlocked", "开锁"), ("locked", "上锁")])
    occurred_at = models.DateTimeField("发生时间")
    token_id = models.CharField("令牌编号", max_length=64, blank=True)
    unlock = models.ForeignKey(UnlockRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="对应开锁申请")
    authorised = models.BooleanField("有效授权")
    problem = models.CharField("异常", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = TOOL_SCOPE

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = "电子锁事件"
        verbose_name_plural = "电子锁事件"

    def __str__(self) -> str:
        return f"{self.tool.lock_id} {self.get_state_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
