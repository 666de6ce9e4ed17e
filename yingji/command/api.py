"""应急指挥 API (routers are mounted under /api/v1/command).

The calculators here are stateless: they write nothing and any signed-in user may call them. Handlers
validate and raise every 4xx (422 naming the field); the pure modules do the arithmetic.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import classification, dispersion

router = Router(tags=["command"])


# --- incident level -----------------------------------------------------------------------------------
class IncidentFiguresIn(Schema):
    deaths: int = Field(description="死亡人数")
    serious_injuries: int = Field(description="重伤人数（含急性工业中毒）")
    direct_loss_yuan: float = Field(description="直接经济损失（元）")


class CriterionOut(Schema):
    criterion: str = Field(description="deaths | serious_injuries | direct_loss_yuan")
    value: float
    threshold: float
    message: str


class ReportingStepOut(Schema):
    report_from: str
    report_to: str
    within_minutes: int


class IncidentLevelOut(Schema):
    level: str = Field(description="特别重大 | 重大 | 较大 | 一般")
    response: str = Field(description="I | II | III | IV")
    decided_by: list[CriterionOut] = Field(description="达到该等级的判定指标；一般事故为空")
    reporting: list[ReportingStepOut] = Field(description="事故报告时限（国务院令第493号 第九至十一条）")


def _escalation_within() -> timedelta:
    """Each level's escalation deadline: 2 h by 第十一条 (verify); YINGJI_REPORT_ESCALATION_HOURS overrides."""
    return timedelta(hours=settings.YINGJI_REPORT_ESCALATION_HOURS)


@router.post("/incidents/classify", response=IncidentLevelOut, summary="事故等级判定（国务院令第493号）")
def classify_incident(request: HttpRequest, payload: IncidentFiguresIn) -> dict[str, Any]:
    """Any one criterion reaching a level sets it; the highest level reached wins."""
    problems = classification.check_figures(payload.deaths, payload.serious_injuries, payload.direct_loss_yuan)
    if problems:
        raise ValidationError(problems)
    result = classification.classify_incident(payload.deaths, payload.serious_injuries, payload.direct_loss_yuan)
    chain = classification.reporting_chain(result.level, escalation_within=_escalation_within())
    return {
        "level": result.level,
        "response": result.response,
        "decided_by": result.decided_by,
        "reporting": [{"report_from": s.report_from, "report_to": s.report_to,
                       "within_minutes": round(s.within.total_seconds() / 60)} for s in chain],
    }


# --- dispersion ---------------------------------------------------------------------------------------
class DispersionPointIn(Schema):
    model: str = Field(description="plume（连续泄漏）| puff（瞬时泄漏）")
    q_g_s: float | None = Field(None, description="泄漏速率 g/s（plume）")
    mass_g: float | None = Field(None, description="泄漏量 g（puff）")
    t_s: float | None = Field(None, description="释放后时间 s（puff）")
    u_m_s: float = Field(description="释放高度处风速 m/s")
    h_m: float = Field(0.0, description="有效释放高度 m")
    stability: str = Field(description="Pasquill–Gifford 稳定度 A–F")
    terrain: str = Field("rural", description="rural | urban（仅 plume 使用）")
    x_m: float = Field(description="下风距离 m（> 0）")
    y_m: float = Field(0.0, description="横风距离 m")
    z_m: float = Field(0.0, description="接受点高度 m")


class DispersionPointOut(Schema):
    concentration_g_m3: float
    sigma_y_m: float
    sigma_z_m: float
    limits: list[str] = Field(description="模型适用范围之外的情形（中文），为空表示在范围内")


@router.post("/dispersion/point", response=DispersionPointOut, summary="高斯烟羽/烟团单点浓度")
def dispersion_point(request: HttpRequest, payload: DispersionPointIn) -> dispersion.PointResult:
    """Concentration at one receptor from a continuous plume or an instantaneous puff, with its limits."""
    query = dispersion.PointQuery(**{**payload.dict(), "stability": payload.stability.strip().upper(),
                                     "model": payload.model.strip().lower(),
                                     "terrain": payload.terrain.strip().lower()})
    problems = dispersion.check_point_query(query)
    if problems:
        raise ValidationError(problems)
    return dispersion.concentration_at(query)


class StabilityIn(Schema):
    wind_m_s: float = Field(description="10 m 高度风速 m/s")
    daytime: bool
    insolation: str | None = Field(None, description="白天：strong | moderate | slight | overcast")
    cloud_eighths: int | None = Field(None, description="夜间：总云量 0–8 成（8 为全阴天）")


class StabilityOut(Schema):
    stability: str = Field(description="A–F，或成对等级如 A-B")
    conservative_class: str = Field(description="用于扩散计算的单一等级（成对时取较稳定者）")


@router.post("/dispersion/stability", response=StabilityOut, summary="Pasquill–Gifford 大气稳定度")
def dispersion_stability(request: HttpRequest, payload: StabilityIn) -> dict[str, str]:
    wind, daytime, insolation, cloud = payload.wind_m_s, payload.daytime, payload.insolation, payload.cloud_eighths
    problems = dispersion.check_stability_inputs(wind, daytime=daytime, insolation=insolation, cloud_eighths=cloud)
    if problems:
        raise ValidationError(problems)
    stability = dispersion.stability_class(wind, daytime=daytime, insolation=insolation, cloud_eighths=cloud)
    return {"stability": stability, "conservative_class": dispersion.conservative_class(stability)}


from . import zones_api  # noqa: E402,F401  (registers the zone endpoints on this router)
from .routing_api import router as routing_router  # noqa: E402

router.add_router("/", routing_router)
from .incidents_api import router as incidents_router  # noqa: E402

router.add_router("/", incidents_router)
from .resettlement_api import router as resettlement_router  # noqa: E402

router.add_router("/", resettlement_router)
from .response_api import router as response_router  # noqa: E402

router.add_router("/", response_router)
from .assessment_api import router as assessment_router  # noqa: E402

router.add_router("/", assessment_router)
from .requests_api import router as requests_router  # noqa: E402

router.add_router("/", requests_router)
