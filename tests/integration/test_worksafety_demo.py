"""Demo special work from `yingji demo`: approver accounts, locked tools and permits at every stage, hot work
under way on the supervisor's map, and a second run that replaces them with an intact audit chain."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from yingji.core.audit import verify_chain
from yingji.core.models import User
from yingji.monitoring.models import Device
from yingji.worksafety.models import Permit, PermitApprover, PermitStatus, Tool

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    return out.getvalue()


def test_demo_permits_tools_and_approvers(client_for: Any) -> None:
    printed = run_demo()
    assert "特殊作业票" in printed and "ent_a_safety" in printed
    statuses = sorted(Permit.objects.filter(is_demo=True).values_list("work_type", "status"))
    assert statuses == sorted([("hot_work", "in_progress"), ("confined_space", "submitted"), ("height", "closed"),
                               ("lifting", "draft"), ("blinding", "in_progress")])
    hot = Permit.objects.get(work_type="hot_work")
    assert hot.approvals.count() == {"special": 3, "1": 2}[hot.level]  # raised at night and on rest days
    assert hot.gas_analyses.filter(passed=True).exists() and hot.tools.count() == 1
    assert Tool.objects.filter(is_demo=True).count() == 2
    assert PermitApprover.objects.filter(user__username__startswith="ent_a_").count() == 4

    bureau = client_for(User.objects.get(username="yingji_officer"))
    layer = bureau.get("/api/v1/map/layers/special-work", {"format": "compact"}).json()
    assert set(layer["ids"]) == set(Permit.objects.filter(status=PermitStatus.IN_PROGRESS).values_list("pk", flat=True))
    assert layer["count"] == 2

    run_demo()  # replaces, does not duplicate
    assert Permit.objects.count() == 5 and Tool.objects.count() == 2
    assert Device.objects.filter(device_type="tool_elock").count() == 2
    assert verify_chain()[1] is None
