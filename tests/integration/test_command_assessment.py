"""After-action reports (JSON, Word, PDF with a CJK font), lessons and improvements, drill injects and scores."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest

from yingji.command import assessment
from yingji.command.models import Dispatch, DrillInject, Incident, Task
from yingji.command.report_document import MissingFont, ReportData, to_pdf
from yingji.core import pdf

API = "/api/v1/command"


def post(client: Any, url: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def incident(people: Any, departments: Any, client_for: Any) -> Incident:
    body = {"title": "储罐区泄漏", "incident_type": "hazmat_release", "source": "phone", "deaths": 1,
            "address": "盘山县石化园区"}
    created = post(client_for(people.emergency_officer), f"{API}/incidents", body).json()
    return Incident.objects.get(pk=created["id"])


def timed(incident: Incident, departments: Any) -> None:
    """Two tasks (one done on time, one late) and a dispatch that arrived within ETA × 1.2."""
    start = incident.reported_at
    Task.objects.create(incident=incident, title="堵漏", department=departments.fire,
                        due_at=start + timedelta(minutes=30), status="done", done_at=start + timedelta(minutes=20))
    Task.objects.create(incident=incident, title="环境监测", department=departments.emergency,
                        due_at=start + timedelta(minutes=60), status="done", done_at=start + timedelta(minutes=75))
    Dispatch.objects.create(incident=incident, resource_kind="rescue-teams", resource_id=1,
                            resource_name="危化救援一队", dispatched_at=start, travel_s=600,
                            arrived_at=start + timedelta(seconds=700), status="on_scene")


def test_report_json_word_and_lessons(people: Any, departments: Any, incident: Incident, client_for: Any) -> None:
    timed(incident, departments)
    client = client_for(people.emergency_officer)
    report = client.get(f"{API}/incidents/{incident.pk}/report").json()
    assert report["title"] == "储罐区泄漏 事件总结评估报告（初稿：事件尚未结案）"
    assert ["伤亡", "死亡 1 人，重伤 0 人"] in report["facts"]
    assert [row["cells"][4] for row in report["tasks"]] == ["按时完成", "超时完成"]
    assert report["dispatches"][0]["cells"][2:4] == ["10 分钟", "12 分钟"]
    assert report["deadlines"] and report["deadlines"][0]["cells"][4] in ("未到时限", "超时")
    assert report["drill"] == []

    body = {"lessons": "堵漏器材储备不足", "improvements": [
        {"item": "补充堵漏器材", "owner_department": departments.emergency.pk, "deadline": "2026-12-31"},
        {"item": "修订现场处置方案", "owner": "张三", "deadline": "2027-01-15", "status": "done"}]}
    updated = post(client, f"{API}/incidents/{incident.pk}/report", body, method="put")
    assert updated.status_code == 200, updated.content
    assert [i["item"] for i in updated.json()["improvements"]] == ["补充堵漏器材", "修订现场处置方案"]
    assert updated.json()["improvements"][0]["owner"] == "县应急管理局"

    word = client.get(f"{API}/incidents/{incident.pk}/report.docx")
    assert word.status_code == 200 and "attachment" in word["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "七、经验教训" in text and "堵漏器材储备不足" in text and "八、整改措施" in text
    tables = docx.Document(io.BytesIO(word.content)).tables
    assert any(t.rows[1].cells[0].text == "补充堵漏器材" for t in tables if t.rows[0].cells[0].text == "改进事项")


@pytest.mark.parametrize(("row", "field"), [
    ({"item": " ", "owner": "张三", "deadline": "2026-12-31"}, "improvements.0.item"),
    ({"item": "x", "deadline": "2026-12-31"}, "improvements.0.owner"),
    ({"item": "x", "owner_department": 999999, "deadline": "2026-12-31"}, "improvements.0.owner_department"),
])
def test_bad_improvements_write_nothing(people: Any, incident: Incident, client_for: Any, row: dict[str, Any],
                                        field: str) -> None:
    response = post(client_for(people.emergency_officer), f"{API}/incidents/{incident.pk}/report",
                    {"lessons": "x", "improvements": [row]}, method="put")
    assert response.status_code == 422 and field in {e["field"] for e in response.json()["detail"]}
    assert not hasattr(Incident.objects.get(pk=incident.pk), "report") or not incident.report.lessons


def test_pdf_uses_a_cjk_font(people: Any, departments: Any, incident: Incident, client_for: Any) -> None:
    try:
        pdf.find_cjk_font()
    except MissingFont:
        pytest.skip("no CJK font on this machine (CI installs fonts-noto-cjk)")
    timed(incident, departments)
    response = client_for(people.emergency_officer).get(f"{API}/incidents/{incident.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # The CJK face is embedded (as a CID-keyed subset), so the PDF reads the same on any machine.
    assert response.content.startswith(b"%PDF") and b"/CIDFontType0" in response.content
    assert b"NotoSansCJKSC" in response.content  # the Simplified Chinese face of the collection
    out = Path("artifacts") / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "after-action.pdf").write_bytes(response.content)


def test_without_a_cjk_font_the_pdf_says_why(people: Any, incident: Incident, client_for: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "CJK_FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    with pytest.raises(MissingFont, match="fonts-noto-cjk"):
        to_pdf(ReportData(title="t", facts=[]))
    response = client_for(people.emergency_officer).get(f"{API}/incidents/{incident.pk}/report.pdf")
    assert response.status_code == 503 and "中文字体" in response.content.decode()


def test_drill_injects_release_once_and_the_score(people: Any, departments: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    drill = post(client, f"{API}/incidents", {"title": "液氯泄漏应急演练", "incident_type": "hazmat_release",
                                              "source": "phone", "is_exercise": True}).json()
    url = f"{API}/incidents/{drill['id']}/injects"
    injects = [{"at_minutes": 0, "text": "储罐阀门处发现黄绿色气体"},
               {"at_minutes": 30, "text": "下风向村民报告刺激性气味"}]
    assert post(client, url, injects, method="put").status_code == 200
    incident = Incident.objects.get(pk=drill["id"])
    start = incident.reported_at
    assert assessment.release_due_injects(start + timedelta(minutes=1)) == 1
    assert assessment.release_due_injects(start + timedelta(minutes=1)) == 0
    assert assessment.release_due_injects(start + timedelta(minutes=31)) == 1
    texts = [e.text for e in incident.timeline.all()]
    assert "【演练注入】储罐阀门处发现黄绿色气体" in texts and "【演练注入】下风向村民报告刺激性气味" in texts
    assert all(i.released_at for i in DrillInject.objects.filter(incident=incident))

    # Score: no report made (0 of the chain: 0/30), tasks 1 of 2 on time (20/40), arrival within 1.2 × ETA (30/30).
    timed(incident, departments)
    score = client.get(f"{API}/incidents/{drill['id']}/drill-score").json()
    assert [(p["met"], p["total"]) for p in score["parts"]][1:] == [(1, 2), (1, 1)]
    assert score["parts"][0]["met"] == 0 and score["total"] == pytest.approx(50.0)
    report = client.get(f"{API}/incidents/{drill['id']}/report").json()
    assert report["title"].startswith("液氯泄漏应急演练 演练总结评估报告") and ["总分", "50.0 / 100"] in report["drill"]


def test_injects_only_for_exercises(people: Any, incident: Incident, client_for: Any) -> None:
    response = post(client_for(people.emergency_officer), f"{API}/incidents/{incident.pk}/injects",
                    [{"at_minutes": 5, "text": "x"}], method="put")
    assert response.status_code == 422 and "只有演练" in response.json()["detail"][0]["message"]
    assert not DrillInject.objects.exists()
