"""Demo accounts: one per role, with a known password and, for the administrator, a fixed TOTP secret.

Core makes the accounts anchored in core (county-wide, department, township); accounts anchored in a
domain record (an enterprise, an expert, a rescue team) are made by that app's demo loader with
`upsert_demo_user`, because core may not import the domain apps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import make_password

from . import audit
from .models import AdminArea, AuditAction, Department, User
from .roles import Role

PASSWORD_ENV = "YINGJI_DEMO_PASSWORD"
DEFAULT_PASSWORD = "yingji-demo-2026"
# Fixed so the demo can print it and `yingji totp_code admin` gives the current code. Demo only:
# anyone who reads this file can pass the administrator's second factor.
ADMIN_TOTP_SECRET = "PANSHANYINGJIDEMQADMINTQTPSECRET"


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


@lru_cache(maxsize=4)
def _password_hash(password: str) -> str:
    """Hash the shared demo password once per run: Argon2 takes ≈ 0.5 s a hash, nine accounts ≈ 5 s.
    The accounts then share one salt, which reveals nothing here: their password is public."""
    return make_password(password)


@dataclass(frozen=True)
class DemoAccount:
    """One demo sign-in as printed by `yingji demo`."""

    username: str
    role: Role
    full_name: str
    scope: str
    totp_secret: str = ""

    @property
    def role_label(self) -> str:
        return str(self.role.label)


def upsert_demo_user(
    account: DemoAccount,
    *,
    password: str,
    department: Department | None = None,
    admin_area: AdminArea | None = None,
    enterprise: Any = None,
    superuser: bool = False,
) -> User:
    """Create the account, or reset an existing one to its demo state (role, anchor, password)."""
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    user.role = account.role
    user.full_name = account.full_name
    user.department = department
    user.admin_area = admin_area
    user.enterprise = enterprise
    user.is_active = True
    user.is_superuser = superuser
    user.is_staff = superuser
    user.totp_secret = account.totp_secret
    user.totp_confirmed = bool(account.totp_secret)
    user.password = _password_hash(password)
    user.save()
    return user


def record_accounts(accounts: list[DemoAccount], *, actor: Any = None) -> None:
    """One audit event for a batch of demo accounts (never the password)."""
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.user", object_repr="演示数据：账号",
                 after={"count": len(accounts), "usernames": [a.username for a in accounts], "demo": True})


def upsert_core_accounts(
    *, password: str, emergency: Department, education: Department, taiping: AdminArea
) -> list[DemoAccount]:
    """Administrator, auditor, two department officers and the 太平街道 township officer."""
    admin = DemoAccount("admin", Role.COUNTY_ADMIN, "系统管理员（演示）", "全县（两步验证）", ADMIN_TOTP_SECRET)
    yingji = DemoAccount("yingji_officer", Role.DEPARTMENT_OFFICER, "应急局值班员（演示）", emergency.name)
    edu = DemoAccount("edu_officer", Role.DEPARTMENT_OFFICER, "教育局安全员（演示）", education.name)
    township = DemoAccount("taiping_officer", Role.TOWNSHIP_OFFICER, "太平街道应急办（演示）",
                           f"{taiping.name}及所辖社区/村")
    auditor = DemoAccount("auditor", Role.AUDITOR, "审计员（演示）", "全县只读 + 审计日志")
    upsert_demo_user(admin, password=password, superuser=True)
    upsert_demo_user(yingji, password=password, department=emergency)
    upsert_demo_user(edu, password=password, department=education)
    upsert_demo_user(township, password=password, admin_area=taiping)
    upsert_demo_user(auditor, password=password)
    accounts = [admin, yingji, edu, township, auditor]
    record_accounts(accounts)
    return accounts
