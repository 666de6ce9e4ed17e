"""After-action reports (JSON, PDF, Word) and drill injects and scores (mounted under /api/v1/command)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from . import assessment, incident_queries
from .models import DrillInject
from .report_document import MissingFont, to_docx, to_pdf

router = Router(tags=["command-assessment"])


class ImprovementIn(Schema):
    item: str = Field(..., max_length=300)
    owner_department: int | None = None
    owner: str = Field("", max_length=50)
    deadline: date
    status: Literal["open", "done"] = "open"


class ReportIn(Schema):
    lessons: str = ""
    improvements: list[ImprovementIn] = Field(default_factory=list)


@router.get("/incidents/{pk}/report", response=dict[str, Any], summary="总结评估报告（实时汇总）")
def get_report(request: HttpRequest, pk: int) -> dict[str, Any]:
    return asdict(assessment.report_data(incident_queries.visible_incident(request.user, pk)))


@router.put("/incidents/{pk}/report", response=dict[str, Any], summary="填写经验教训与整改事项")
def put_report(request: HttpRequest, pk: int, payload: ReportIn) -> dict[str, Any]:
    incident = incident_queries.writable_incident(request.user, pk)
    assessment.update_report(incident, payload.dict(), actor=request.user)
    return asdict(assessment.report_data(incident))


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@router.get("/incidents/{pk}/report.pdf", summary="总结评估报告 PDF")
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_queries.visible_incident(request.user, pk)
    try:
        body = to_pdf(assessment.report_data(incident))
    except MissingFont as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return _download(body, "application/pdf", f"incident-{incident.pk}-report.pdf")


@router.get("/incidents/{pk}/report.docx", summary="总结评估报告 Word（可编辑）")
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_queries.visible_incident(request.user, pk)
    body = to_docx(assessment.report_data(incident))
    return _download(body, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     f"incident-{incident.pk}-report.docx")


class InjectIn(Schema):
    at_minutes: int = Field(description="演练开始（接报）后多少分钟注入")
    text: str = Field(..., max_length=500)


class InjectOut(Schema):
    id: int
    at_minutes: int
    text: str
    released_at: Any = None


class ScorePartOut(Schema):
    label: str
    met: int
    total: int
    points: float


class DrillScoreOut(Schema):
    total: float
    parts: list[ScorePartOut]


@router.get("/incidents/{pk}/injects", response=list[InjectOut], summary="演练注入脚本")
def list_injects(request: HttpRequest, pk: int) -> Any:
    return DrillInject.objects.filter(incident=incident_queries.visible_incident(request.user, pk))


@router.put("/incidents/{pk}/injects", response=list[InjectOut], summary="设置演练注入脚本（替换未注入的）")
def put_injects(request: HttpRequest, pk: int, payload: list[InjectIn]) -> Any:
    incident = incident_queries.writable_incident(request.user, pk)
    assessment.set_injects(incident, [i.dict() for i in payload], actor=request.user)
    return DrillInject.objects.filter(incident=incident)


@router.get("/incidents/{pk}/drill-score", response=DrillScoreOut, summary="演练评分（对照预案时限）")
def drill_score(request: HttpRequest, pk: int) -> dict[str, Any]:
    total, parts = assessment.drill_score(incident_queries.visible_incident(request.user, pk))
    return {"total": total, "parts": [asdict(p) for p in parts]}
