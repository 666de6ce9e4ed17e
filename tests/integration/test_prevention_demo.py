"""Demo dual prevention from `yingji demo`: every colour, every step of the loop with overdue ones escalated,
routes with a missed round, commitments, a suspended firm; the printed accounts can write; a second run
replaces it all with an intact audit chain, and the tick finds nothing the demo has not already flagged."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from yingji.core.audit import verify_chain
from yingji.core.models import User
from yingji.prevention import subscriptions
from yingji.prevention.models import HiddenDanger, MissedRound, RiskPoint, SafetyCommitment, Subscription
from yingji.prevention.services.tick import tick

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    return out.getvalue()


def snapshot() -> tuple[object, ...]:
    return (sorted(RiskPoint.objects.values_list("enterprise__credit_code", "name", "level", "value")),
            sorted(HiddenDanger.objects.values_list("enterprise__credit_code", "title", "status", "level")))


def test_demo_shows_every_part_and_replaces_itself() -> None:
    output = run_demo()
    assert "风险点" in output and "逾期隐患" in output
    levels = dict(RiskPoint.objects.values_list("level").annotate(n=Count("pk")))
    assert set(levels) == {"red", "orange", "yellow", "blue"}
    statuses = set(HiddenDanger.objects.values_list("status", flat=True))
    assert statuses == {"reported", "rectifying", "submitted", "accepted"}
    overdue = HiddenDanger.objects.filter(escalated_at__isnull=False)
    assert overdue.exists() and all(d.steps.filter(action="逾期升级").exists() for d in overdue)
    major = HiddenDanger.objects.filter(level="major")
    assert major.exists() and all(d.rectification_plan and d.reported_to_supervisor_at for d in major)
    assert all(d.accepted_by_id != d.owner_id for d in HiddenDanger.objects.filter(status="accepted"))
    assert MissedRound.objects.exists() and SafetyCommitment.objects.exists()
    assert Subscription.objects.exclude(state="active").exists()
    for user in User.objects.filter(username__in=["ent_a", "ent_b"]):
        assert subscriptions.may_write(user.enterprise), user.username
    result = tick()
    assert (result.escalated, result.missed_rounds) == (0, 0)  # the demo already flagged what is late
    first = snapshot()
    run_demo()
    assert snapshot() == first
    checked, broken = verify_chain()
    assert broken is None and checked > 0
