"""People and organisations that sign in: users with a role, departments, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from ..roles import Role
from .tokens import HashedToken


class Department(models.Model):
    """A county department sharing the platform (应急, 消防, 公安 …) and the kinds of record it supervises.

    `supervised_kinds` holds model labels such as "registry.enterprise": officers of the department
    see every record of those kinds, besides the records the department owns.
    """

    code = models.CharField("部门代码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100, unique=True)
    supervised_kinds = models.JSONField("监管对象类型", default=list, blank=True)
    phone = models.CharField("值班电话", max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "部门"
        verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. The role and one anchor (department, area, enterprise) fix the scope."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.DEPARTMENT_OFFICER)
    full_name = models.CharField("姓名", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name="部门"
    )
    admin_area = models.ForeignKey(
        "core.AdminArea", null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属区域"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name="所属企业",
    )
    totp_secret = models.CharField("两步验证密钥", max_length=64, blank=True)
    totp_confirmed = models.BooleanField("已启用两步验证", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def needs_second_factor(self) -> bool:
        """Administrators must sign in with a TOTP code as well as the password."""
        return self.is_superuser or self.role == Role.COUNTY_ADMIN


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(HashedToken):
    """A bearer token for an integration, bound to one user and so to that user's scope; revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("用途", max_length=100)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
