"""API schemas of special-work permits and tool e-locks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

WorkTypeIn = Literal["hot_work", "confined_space", "blinding", "height", "lifting", "temporary_power",
                     "excavation", "road_closure"]


class WorkerIn(Schema):
    name: str = Field(..., max_length=50)
    certificate_no: str = Field("", max_length=64, description="特种作业操作证等证书编号")


class PermitIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略（默认本企业）")
    work_type: WorkTypeIn
    declared_level: str = Field(..., description="动火 special/1/2；高处 I–IV；吊装 1/2/3；其他 single")
    place: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., min_length=1)
    planned_start: datetime
    planned_end: datetime
    is_outdoor: bool = False
    wind_speed_ms: float | None = Field(None, ge=0)
    hazards: str = ""
    guardian: str = ""
    workers: list[WorkerIn] = []
    checklist: dict[str, bool] = {}
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    tools: list[int] | None = None


class PermitPatch(Schema):
    declared_level: str | None = None
    place: str | None = Field(None, min_length=1, max_length=200)
    content: str | None = None
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    is_outdoor: bool | None = None
    wind_speed_ms: float | None = Field(None, ge=0)
    hazards: str | None = None
    guardian: str | None = None
    workers: list[WorkerIn] | None = None
    checklist: dict[str, bool] | None = None
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    tools: list[int] | None = None


class ApprovalOut(Schema):
    step: int
    role: str
    role_label: str
    approver: str
    opinion: str
    approved_at: datetime


class GasAnalysisOut(Schema):
    id: int
    sampled_at: datetime
    sample_point: str
    analyst: str
    combustible_name: str
    combustible_vol_pct: float | None
    lel_vol_pct: float | None
    oxygen_vol_pct: float | None
    oxygen_enriched: bool
    toxic: list[dict[str, Any]]
    passed: bool
    criteria: list[str]
    failures: list[dict[str, Any]]


class SpotCheckOut(Schema):
    id: int
    inspector: str
    checked_at: datetime
    method: str
    result: str
    result_label: str
    findings: str


class PermitOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    work_type: str
    work_type_label: str
    declared_level: str
    level: str
    level_label: str
    title: str
    status: str
    status_label: str
    place: str
    planned_start: datetime
    planned_end: datetime
    longitude: float | None
    latitude: float | None


class MonitorChannelOut(Schema):
    channel_id: int
    device_id: int
    reference: str
    device_name: str
    metric: str
    unit: str
    value: float | None
    at: datetime | None
    alarm: str


class SiteWatchIn(Schema):
    monitor_channels: list[int] | None = Field(None, description="本企业气体检测通道 id（特级动火须含可燃气体通道）")
    video_source: str | None = Field(None, description="视频监控摄像机编号")
    video_url: str | None = Field(None, description="视频流/回放地址（rtsp://、rtmp://、http(s)://）")


class PermitDetailOut(PermitOut):
    level_reasons: list[str]
    content: str
    hazards: str
    is_outdoor: bool
    wind_speed_ms: float | None
    applicant: str
    guardian: str
    workers: list[dict[str, Any]]
    checklist: dict[str, bool]
    address: str
    tools: list[int]
    required_approvals: list[str]
    next_approval: str | None
    approvals: list[ApprovalOut]
    gas_analyses: list[GasAnalysisOut]
    spot_checks: list[SpotCheckOut]
    submitted_at: datetime | None
    approved_at: datetime | None
    started_at: datetime | None
    suspended_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    retain_until: datetime | None
    suspension_reason: str
    needs_site_watch: bool
    video_source: str
    video_url: str
    monitor_channels: list[MonitorChannelOut]


class PermitPage(Schema):
    count: int
    items: list[PermitOut]


class ApproveIn(Schema):
    role: str | None = Field(None, description="审批角色；省略时为下一个应审批的角色")
    opinion: str = Field("", max_length=500)


class ToxicIn(Schema):
    name: str
    value_mg_m3: float
    oel_mg_m3: float | None = None


class GasAnalysisIn(Schema):
    sampled_at: datetime
    sample_point: str = ""
    analyst: str = Field(..., min_length=1, max_length=50)
    combustible_name: str = ""
    combustible_vol_pct: float | None = None
    lel_vol_pct: float | None = None
    oxygen_vol_pct: float | None = None
    oxygen_enriched: bool = False
    toxic: list[ToxicIn] = []


class SpotCheckIn(Schema):
    checked_at: datetime | None = None
    method: Literal["onsite", "remote"] = "remote"
    result: Literal["compliant", "issues", "stop_work"]
    findings: str = Field(..., min_length=1)


class RuleCheckIn(Schema):
    work_type: str
    level: str
    planned_start: datetime
    planned_end: datetime
    is_outdoor: bool = False
    wind_speed_ms: float | None = None
    guardian: str = ""
    workers: list[WorkerIn] = []
    checklist: dict[str, bool] = {}
    complete: bool = False


class ProblemOut(Schema):
    field: str
    message: str


class RuleCheckOut(Schema):
    ok: bool
    level: str
    level_label: str
    level_reasons: list[str]
    validity_hours: float | None
    required_approvals: list[dict[str, str]]
    needs_gas_analysis: bool
    checklist: list[dict[str, str]]
    certificate: str | None
    problems: list[ProblemOut]
