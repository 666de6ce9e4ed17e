"""Casualty revisions (补报, 国务院令第493号 第十三条): within 30 days (7 for road traffic and fire) of the accident,
counted from the day after it and ending at 24:00 (民法典 第二百零一、二百零三条; the instant 24:00 itself is in
time); late ones are recorded and
flagged; a revision that raises the level lengthens the reporting chain from the time of the raise.

The clock is fixed with monkeypatch so each case sits one minute either side of the window's end.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji.command import incidents
from yingji.command.models import TimelineKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCCURRED = datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)
END_30 = datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI)  # 24:00 on 31 October
END_7 = datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)  # 24:00 on 8 October
API = "/api/v1/command/incidents"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the server's clock: clock(t) makes timezone.now() return t from then on."""
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_to


def accident(people: Any, clock: Any, incident_type: str = "hazmat_release", **figures: Any) -> Any:
    clock(OCCURRED + timedelta(minutes=20))
    return incidents.open_incident({"title": "事故", "incident_type": incident_type, "source": "phone",
                                    "occurred_at": OCCURRED, "reported_at": OCCURRED + timedelta(minutes=15),
                                    **figures}, actor=people.emergency_officer)


@pytest.mark.parametrize(("incident_type", "end"), [("hazmat_release", END_30), ("fire", END_7), ("traffic", END_7)])
@pytest.mark.parametrize(("offset", "late"), [(timedelta(minutes=-1), False), (timedelta(0), False),
                                             (timedelta(minutes=1), True)])
def test_revision_in_time_or_late_at_the_boundary(people: Any, clock: Any, incident_type: str, end: datetime,
                                                  offset: timedelta, late: bool) -> None:
    incident = accident(people, clock, incident_type, deaths=1)
    clock(end + offset)
    incidents.revise_casualties(incident, deaths=2, actor=people.emergency_officer, note="伤者经抢救无效死亡")
    entry = incident.timeline.filter(kind=TimelineKind.CASUALTY).get()
    assert entry.data["revision"] is True and entry.data["late"] is late
    assert entry.data["deaths"] == {"from": 1.0, "to": 2.0}
    assert (entry.actor_id, entry.time) == (people.emergency_officer.pk, end + offset)
    assert entry.text.startswith("逾期补报" if late else "伤亡人数补报")
    assert "伤者经抢救无效死亡" in entry.text
    window = incidents.casualty_revision(incident, end + offset)
    assert window.ends_at == end
    assert (window.revisions, window.late_revisions) == (1, 1 if late else 0)
    incident.refresh_from_db()
    assert incident.deaths == 2  # a late revision is recorded, never lost


def test_late_by_how_many_days(people: Any, clock: Any) -> None:
    incident = accident(people, clock, "fire")
    clock(END_7 + timedelta(days=2, hours=1))
    incidents.revise_casualties(incident, serious_injuries=1, actor=people.emergency_officer)
    assert "超过第十三条规定的 7 日补报期限 3 天" in incident.timeline.get(kind=TimelineKind.CASUALTY).text


def test_countdown(people: Any, clock: Any) -> None:
    incident = accident(people, clock)
    window = incidents.casualty_revision(incident, END_30 - timedelta(hours=3))
    assert (window.days, window.remaining_s) == (30, 3 * 3600)
    assert incidents.casualty_revision(incident, END_30 + timedelta(seconds=5)).remaining_s == -5


def test_a_loss_change_alone_is_not_a_revision(people: Any, clock: Any) -> None:
    incident = accident(people, clock)
    clock(END_30 + timedelta(days=1))
    incidents.update_figures(incident, direct_loss_yuan=2_000_000, actor=people.emergency_officer)
    entry = incident.timeline.get(kind=TimelineKind.CASUALTY)
    assert "revision" not in entry.data and entry.text.startswith("伤亡损失更新")


def test_revision_after_closing_reclassifies_and_reopens_the_reporting_chain(people: Any, clock: Any) -> None:
    incident = accident(people, clock, deaths=2)  # 一般: county (1 h), city (2 h)
    clock(OCCURRED + timedelta(hours=1))
    for step, to in enumerate(("县级安全生产监督管理部门", "设区的市级安全生产监督管理部门")):
        incidents.add_timeline_entry(incident, "report", f"已报告{to}", actor=people.emergency_officer,
                                     time=OCCURRED + timedelta(minutes=30 + step), data={"report_to": to})
    incidents.change_status(incident, "closed", actor=people.emergency_officer, summary="处置完毕")
    raised = OCCURRED + timedelta(days=10)
    clock(raised)
    incidents.revise_casualties(incident, deaths=3, actor=people.emergency_officer, note="一名重伤者死亡")
    incident.refresh_from_db()
    assert (incident.level, incident.response) == ("较大", "III")
    level = incident.timeline.get(kind=TimelineKind.LEVEL)
    assert level.text.startswith("等级由一般调整为较大")
    # the new step (city → province) is due 2 h after the raise, not 2 h after the city report ten days ago
    steps = incidents.deadlines(incident, raised)
    assert [s.report_to for s in steps][-1] == "省级安全生产监督管理部门"
    assert steps[-1].due_at == raised + timedelta(hours=2)
    assert steps[-1].remaining_s == 2 * 3600
    assert "须于 10-11 12:00 前报告省级安全生产监督管理部门" in level.text
    assert steps[1].done_at == OCCURRED + timedelta(minutes=31)


def test_nothing_to_revise_is_refused(people: Any, clock: Any) -> None:
    incident = accident(people, clock, deaths=1)
    for given in ({}, {"deaths": 1}):
        with pytest.raises(ValidationError) as caught:
            incidents.revise_casualties(incident, actor=people.emergency_officer, **given)
        assert "deaths" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        incidents.revise_casualties(incident, deaths=-1, actor=people.emergency_officer)
    assert "deaths" in caught.value.message_dict
    assert incident.timeline.count() == 1


def test_api_revision_and_countdown(people: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    now = timezone.now()
    created = client.post(API, json.dumps({"title": "车祸", "incident_type": "traffic", "source": "phone",
                                           "occurred_at": (now - timedelta(hours=1)).isoformat()}),
                          content_type="application/json").json()
    assert created["casualty_revision"]["days"] == 7
    assert 6 * 86400 < created["casualty_revision"]["remaining_s"] <= 8 * 86400
    url = f"{API}/{created['id']}/casualty-revisions"
    answer = client.post(url, json.dumps({"deaths": 3, "note": "补报"}), content_type="application/json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["level"] == "较大" and body["casualty_revision"]["revisions"] == 1
    assert [e["kind"] for e in body["timeline"]][-2:] == ["casualty", "level"]
    refused = client.post(url, json.dumps({"serious_injuries": -1}), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "serious_injuries"
