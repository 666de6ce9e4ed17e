"""Prevention's part of the per-enterprise safety dashboard: hidden dangers, risk colours, inspections, commitment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core.safety_facts import SafetyFact, Tone

from .grading import Level
from .models import CommitmentMiss, HiddenDanger, MissedRound, RiskPoint, SafetyCommitment
from .models.dangers import OPEN_STATUSES
from .services.operations import commitment_streak, major_hazard_enterprise_ids
from .subscriptions import refusal

RECENT_DAYS = 30


def enterprise_safety_facts(enterprise: Any) -> list[SafetyFact]:
    """Open and overdue hidden dangers, risk points by colour, missed rounds, the commitment streak, use state."""
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    dangers = HiddenDanger.objects.filter(enterprise=enterprise, status__in=OPEN_STATUSES)
    open_n = dangers.count()
    major_n = dangers.filter(level="major").count()
    late = dangers.filter(deadline__lt=today)
    overdue_n = late.count()
    overdue = list(late.order_by("deadline").values_list("title", "deadline")[:5])
    colours = dict(RiskPoint.objects.filter(enterprise=enterprise).order_by().values_list("level")
                   .annotate(n=Count("pk")))
    missed = MissedRound.objects.filter(route__enterprise=enterprise, period_start__gte=since)
    missed_n = missed.count()
    facts = [
        SafetyFact("prevention.hidden_dangers", _("未闭环隐患"),
                   _("%(open)s 项（重大 %(major)s 项，逾期 %(overdue)s 项）")
                   % {"open": open_n, "major": major_n, "overdue": overdue_n},
                   Tone.DANGER if major_n or overdue_n else Tone.WARN if open_n else Tone.OK,
                   [_("逾期：%(title)s（期限 %(deadline)s）") % {"title": title, "deadline": deadline}
                    for title, deadline in overdue]),
        SafetyFact("prevention.risk_points", _("风险点（红/橙/黄/蓝）"),
                   " / ".join(str(colours.get(level.value, 0)) for level in Level),
                   Tone.DANGER if colours.get(Level.RED.value) else Tone.INFO,
                   [_("%(colour)s·%(level)s %(n)s 个") % {"colour": _(level.colour_label), "level": _(level.label),
                                                         "n": colours.get(level.value, 0)} for level in Level]),
        SafetyFact("prevention.missed_rounds", _("近 %(recent_days)s 天漏检") % {"recent_days": RECENT_DAYS},
                   _("%(n)s 次") % {"n": missed_n},
                   Tone.WARN if missed_n else Tone.OK,
                   [f"{m.route.name} {timezone.localtime(m.period_start):%m-%d %H:%M}：{'、'.join(m.missing)}"
                    for m in missed.select_related("route").order_by("-period_start")[:5]]),
    ]
    if enterprise.pk in major_hazard_enterprise_ids():
        committed_today = SafetyCommitment.objects.filter(enterprise=enterprise, day=today).exists()
        misses = CommitmentMiss.objects.filter(enterprise=enterprise, day__gte=today - dt.timedelta(days=RECENT_DAYS))
        facts.append(SafetyFact(
            "prevention.commitment", _("安全承诺连续天数"), _("%(n)s 天") % {"n": commitment_streak(enterprise, today)},
            Tone.OK if committed_today else Tone.WARN,
            [_("今日已承诺") if committed_today else _("今日尚未承诺"),
             _("近 %(recent_days)s 天未按时承诺 %(n)s 天") % {"recent_days": RECENT_DAYS, "n": misses.count()}]))
    reason = refusal(enterprise)
    facts.append(SafetyFact("prevention.subscription", _("系统使用状态"),
                            _("正常") if reason is None else _("写入已暂停"),
                            Tone.OK if reason is None else Tone.WARN, [] if reason is None else [reason]))
    return facts
