"""The audit log: one hash-linked event per change made through a service."""

from __future__ import annotations

import hashlib

import orjson
from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """What happened. Domain apps add their own verbs with a dotted prefix (e.g. "hazmat.grade")."""

    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    LOGIN = "login", "登录"
    TOKEN_ISSUED = "token.issue", "签发令牌"
    TOKEN_REVOKED = "token.revoke", "吊销令牌"
    TOTP_ENABLED = "totp.enable", "启用两步验证"


class AuditEvent(models.Model):
    """Who did what to which object, with the state before and after, chained by SHA-256.

    `hash` covers this event's content and the previous event's hash, so editing or deleting any
    event breaks every hash after it; `yingji audit verify` finds the first break.
    """

    seq = models.BigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    # PROTECT, not SET_NULL: the hash covers actor_id, so nulling it would read as tampering. Accounts that
    # acted are deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="操作人"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("动作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    def compute_hash(self) -> str:
        """SHA-256 over the previous hash and a canonical JSON of this event's content."""
        content = {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
        }
        blob = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(self.prev_hash.encode() + blob).hexdigest()
