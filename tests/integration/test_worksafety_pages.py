"""Worksafety pages: the form saves a draft or shows the rules' Chinese errors, the detail page runs each step,
the print page has the standard's layout, tools show QR codes and the scan page grants or refuses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.integration.worksafety_support import Approvers, in_progress, make_approvers, plan_data
from yingji.worksafety import locks, services
from yingji.worksafety.models import Permit, PermitStatus, SpotCheck

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def approvers(enterprise_a: Any) -> Approvers:
    return make_approvers(enterprise_a)


def form(hours: float = 3, **extra: str) -> dict[str, str]:
    start = timezone.now().astimezone(SH) + timedelta(minutes=5)
    data = {"declared_level": "single", "place": "T-101 储罐", "content": "罐内检查", "guardian": "李监护",
            "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
            "planned_end": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"),
            "workers": "王工 T2101001\n张工"}
    return data | extra


def test_form_saves_a_draft_and_shows_rule_errors(people: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    page = client.get("/worksafety/permits/new/?type=confined_space")
    text = page.content.decode()
    assert page.status_code == 200 and "受限空间作业" in text and "安全措施确认" in text
    too_long = client.post("/worksafety/permits/new/?type=confined_space", form(hours=30))
    assert too_long.status_code == 200 and "不得超过 24 小时" in too_long.content.decode()
    assert not Permit.objects.exists()
    saved = client.post("/worksafety/permits/new/?type=confined_space", form(check_jsa="on"))
    permit = Permit.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/worksafety/permits/{permit.pk}/"
    assert permit.workers == [{"name": "王工", "certificate_no": "T2101001"}, {"name": "张工", "certificate_no": ""}]
    assert permit.checklist["jsa"] is True and permit.checklist["ppe"] is False
    refused = client.post(f"/worksafety/permits/{permit.pk}/step/submit/", follow=True)
    assert "安全措施未确认" in refused.content.decode()
    assert client.get("/worksafety/permits/").status_code == 200


def test_detail_steps_print_and_spot_check(people: Any, enterprise_a: Any, approvers: Approvers,
                                           client_for: Any) -> None:
    permit = services.submit_permit(services.create_permit(plan_data(enterprise_a), actor=people.officer_a),
                                    actor=people.officer_a)
    approver = client_for(approvers.grassroots)
    assert "审批通过" in approver.get(f"/worksafety/permits/{permit.pk}/").content.decode()
    approver.post(f"/worksafety/permits/{permit.pk}/step/approve/", {"opinion": "同意"})
    client = client_for(people.officer_a)
    now = timezone.now().astimezone(SH).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/worksafety/permits/{permit.pk}/step/gas/", {"sampled_at": now, "analyst": "赵",
                                                               "oxygen_vol_pct": "20.9"})
    client.post(f"/worksafety/permits/{permit.pk}/step/start/")
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.IN_PROGRESS
    printed = client.get(f"/worksafety/permits/{permit.pk}/print/").content.decode()
    assert "受限空间作业安全作业票" in printed and "基层单位（车间）负责人意见" in printed and "@media print" in printed
    pdf = client.get(f"/worksafety/permits/{permit.pk}/pdf/")
    if pdf.status_code == 503:  # no CJK font on this machine (CI installs fonts-noto-cjk)
        assert "中文字体" in pdf.content.decode()
    else:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert b"/CIDFontType0" in pdf.content  # the Chinese face is embedded
    assert client_for(people.officer_b).get(f"/worksafety/permits/{permit.pk}/pdf/").status_code == 404
    bureau = client_for(people.emergency_officer)
    bureau.post(f"/worksafety/permits/{permit.pk}/step/spot-check/",
                {"method": "onsite", "result": "issues", "findings": "监护人离开现场"})
    assert SpotCheck.objects.get().findings == "监护人离开现场"
    assert client_for(people.officer_b).get(f"/worksafety/permits/{permit.pk}/").status_code == 404


def test_tools_page_and_scan(people: Any, enterprise_a: Any, approvers: Approvers, client_for: Any) -> None:
    client = client_for(people.officer_a)
    registered = client.post("/worksafety/tools/", {"name": "3号电焊机", "kind": "welder", "lock_id": "EL-9"})
    body = registered.content.decode()
    assert "<svg" in body and "yjd_" in body  # the QR code and the lock's token, shown once
    tool = locks.register_tool({"name": "4号切割机", "kind": "cutter", "lock_id": "EL-10"}, actor=people.officer_a)[0]
    refused = client.post(f"/worksafety/tools/{tool.pk}/scan/", {"worker_certificate": "T2101001",
                                                                 "longitude": "122.05", "latitude": "41.2"})
    assert "拒绝开锁" in refused.content.decode()
    in_progress(enterprise_a, people.officer_a, approvers, tools=[tool.pk])
    granted = client.post(f"/worksafety/tools/{tool.pk}/scan/", {"worker_certificate": "T2101001",
                                                                 "longitude": "122.05", "latitude": "41.2"})
    assert "准予开锁" in granted.content.decode()
