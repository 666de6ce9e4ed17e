"""Paid use of the enterprise safety system: whether an enterprise may write, for this app and any other.

Facade for other apps: `may_write(enterprise)` and `ensure_may_write(enterprise, actor)`. Government users
(county, departments, townships) are never blocked — supervision does not depend on an enterprise paying;
an enterprise's own officers may write only while it has a current ACTIVE subscription.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core.roles import Role

from .models import Subscription, SubscriptionState


def today() -> dt.date:
    """Today in Asia/Shanghai, the day users mean."""
    return timezone.localdate()


def current_subscription(enterprise: Any, on: dt.date | None = None) -> Subscription | None:
    """The subscription covering this day (latest start first), whatever its state; None if none covers it."""
    day = on or today()
    return (Subscription.objects.filter(enterprise=enterprise, starts_on__lte=day, ends_on__gte=day)
            .order_by("-starts_on", "-pk").first())


def may_write(enterprise: Any, on: dt.date | None = None) -> bool:
    """True when the enterprise has an ACTIVE subscription covering the day (its officers may write)."""
    found = current_subscription(enterprise, on)
    return found is not None and found.state == SubscriptionState.ACTIVE


def refusal(enterprise: Any, on: dt.date | None = None) -> str | None:
    """Why the enterprise's officers may not write today, in the active language; None when they may."""
    found = current_subscription(enterprise, on)
    if found is None:
        last = Subscription.objects.filter(enterprise=enterprise).order_by("-ends_on").first()
        if last is None:
            return _("“%(enterprise)s”尚未开通企业安全生产管理系统，暂不能录入数据，请联系县应急管理局开通") % {
                "enterprise": enterprise}
        return _("“%(enterprise)s”的使用期已于 %(ends_on)s 到期，写入权限已暂停，续费后恢复（查询不受影响）") % {
            "enterprise": enterprise, "ends_on": last.ends_on}
    if found.state != SubscriptionState.ACTIVE:
        return _("“%(enterprise)s”的订阅状态为“%(state)s”，写入权限已暂停，"
                 "缴费后由县应急管理局恢复（查询不受影响）") % {"enterprise": enterprise,
                                                     "state": _(found.get_state_display())}
    return None


def ensure_may_write(enterprise: Any, actor: Any) -> None:
    """Refuse (403) an enterprise officer's write while the enterprise is unpaid, expired or suspended."""
    if getattr(actor, "role", None) != Role.ENTERPRISE_OFFICER or getattr(actor, "is_superuser", False):
        return
    reason = refusal(enterprise)
    if reason is not None:
        raise PermissionDenied(reason)
