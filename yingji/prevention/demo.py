"""Demo dual prevention for `yingji demo`: in the chemical park, risk points graded in four colours, hidden
dangers at every step of the loop (some overdue and escalated, one 重大 with its plan), checkpoints with a
daily route and its records (one missed round), maintenance (one overdue), daily commitments of the
major-hazard firms with a missed day, a government check with orders, and subscriptions (two firms suspended).

Deterministic (seeded). Each park firm gets one demo safety person (`demo_safety_<credit code>`, no usable
password: they own and record what the demo shows; the printed demo accounts ent_a / ent_b sign in). Everything
is bulk-inserted with grading by `services.risks.apply_grade` (as every write does); one audit event covers it.
`unload_demo` (the app's demo_unloader) removes it all before the registry replaces the demo enterprises.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, Final

from django.db import models, transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.demo import DemoSection
from yingji.core.models import AuditAction, User
from yingji.core.roles import Role
from yingji.hazmat.models import HazardUnit
from yingji.registry.models import Enterprise

from .models import (
    Checkpoint,
    CommitmentMiss,
    DangerStatus,
    EnforcementOrder,
    HiddenDanger,
    HiddenDangerStep,
    InspectionRecord,
    MaintenanceRecord,
    MissedRound,
    Photo,
    RiskPoint,
    Route,
    RouteStop,
    SafetyCommitment,
    Subscription,
    SupervisionCheck,
)
from .services.risks import apply_grade, matrix

SEED: Final = "yingji-demo-prevention"
SAFETY_PREFIX: Final = "demo_safety_"
SIGN_IN_ACCOUNTS: Final = ("ent_a", "ent_b")
ITEMS: Final = {"罐区": ["液位、温度、压力读数正常", "无跑冒滴漏", "防火堤完好", "可燃气体报警器正常"],
                "装卸站台": ["静电接地完好", "鹤管无泄漏", "消防器材齐全"],
                "泵房": ["机泵运行无异响", "密封无泄漏", "通风良好"]}
# (place, name, hazard, method, factors): per firm, besides one LEC point per hazmat unit
GENERIC: Final = (
    ("装卸站台", "槽车装卸", "静电火花、软管破裂导致泄漏着火", "lec", (3, 6, 15)),
    ("泵房", "机泵密封泄漏", "密封失效导致可燃液体泄漏", "ls", (3, 3)),
    ("检维修作业", "受限空间作业", "缺氧、有毒气体导致中毒窒息", "lec", (1, 3, 15)),
    ("办公区", "办公用电", "电气线路老化引发火灾", "ls", (1, 2)),
)
DANGERS: Final = (  # (title, description, level, status, days found ago, deadline offset from found)
    ("防火堤穿堤管线未封堵", "2号罐组防火堤穿堤管线处孔洞未封堵", "general", DangerStatus.RECTIFYING, 12, 5),
    ("可燃气体报警器未标定", "泵房 GD-03 报警器超过标定周期", "general", DangerStatus.SUBMITTED, 6, 10),
    ("静电接地线断裂", "装卸站台 3 号鹤位静电接地线断裂", "general", DangerStatus.ACCEPTED, 20, 3),
    ("安全阀未定期校验", "球罐安全阀超期未校验", "general", DangerStatus.REPORTED, 2, 14),
)
MAJOR: Final = ("紧急切断阀失效", "液化烃储罐紧急切断阀远程关闭失效，构成重大事故隐患", "major")


def unload_demo() -> dict[str, int]:
    """Delete every prevention row of the demo firms (demo rows, and what the tick or a visitor added to them)
    and the demo safety people, so the registry can replace the demo enterprises."""
    counts = {}
    for model in (Photo, SupervisionCheck, Subscription, SafetyCommitment, CommitmentMiss, MaintenanceRecord, Route,
                  InspectionRecord, Checkpoint, HiddenDanger, RiskPoint):
        rows = model.objects.filter(enterprise__is_demo=True)  # type: ignore[attr-defined]
        _, per_model = rows.delete()
        counts[model._meta.model_name or ""] = per_model.get(model._meta.label, 0)
    User.objects.filter(username__startswith=SAFETY_PREFIX).delete()
    return counts


def _owned(firm: Enterprise) -> dict[str, Any]:
    return {"enterprise": firm, "owner_department_id": firm.owner_department_id, "admin_area_id": firm.admin_area_id,
            "is_demo": True}


def _safety_person(firm: Enterprise) -> User:
    user = User(username=f"{SAFETY_PREFIX}{firm.credit_code}", role=Role.ENTERPRISE_OFFICER, enterprise=firm,
                full_name=firm.safety_officer or f"{firm.name[:6]}安全员")
    user.set_unusable_password()
    user.save()
    return user


class _Builder:
    """Collects the demo rows of every firm, then inserts them model by model."""

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.config = matrix()
        self.rows: dict[type[models.Model], list[Any]] = {}

    def add(self, obj: Any) -> Any:
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def ago(self, days: int, hour: int = 9) -> dt.datetime:
        local = timezone.localtime(self.now) - dt.timedelta(days=days)
        return local.replace(hour=hour, minute=self.rng.randint(0, 50), second=0, microsecond=0)

    def risk_points(self, firm: Enterprise, units: list[HazardUnit]) -> None:
        for unit in units:  # the unit's grade drives the likelihood: 一级/二级 major hazards are the reddest
            likelihood = {1: 6, 2: 6, 3: 3, 4: 3}.get(unit.grade or 0, 1)
            point = RiskPoint(unit_place=unit.name, name=f"{unit.name}泄漏火灾爆炸", method="lec",
                              hazard_description="储存/生产的危险化学品泄漏，遇点火源火灾爆炸或中毒",
                              likelihood=likelihood, exposure=6, consequence=40 if unit.is_major_hazard else 15,
                              control_measures="DCS 监控、可燃/有毒气体检测报警、紧急切断、视频监控、定期巡检",
                              responsible_person=firm.safety_officer or "安全负责人", hazard_unit=unit,
                              longitude=unit.longitude, latitude=unit.latitude, address=unit.address, **_owned(firm))
            apply_grade(point, self.config)
            self.add(point)
        for place, name, hazard, method, factors in GENERIC:
            values = dict(zip(("likelihood", "exposure", "consequence") if method == "lec" else
                              ("likelihood", "severity"), factors, strict=True))
            point = RiskPoint(unit_place=place, name=name, hazard_description=hazard, method=method,
                              control_measures="作业审批、现场监护、培训", responsible_person="班组长",
                              longitude=firm.longitude, latitude=firm.latitude, address=firm.address,
                              **values, **_owned(firm))
            apply_grade(point, self.config)
            self.add(point)

    def dangers(self, firm: Enterprise, owner: User, acceptor: User | None, major: bool) -> None:
        chosen = self.rng.sample(DANGERS, 3)
        if major:
            chosen.append((*MAJOR, DangerStatus.RECTIFYING, 4, 30))
        for title, description, level, status, found_ago, allowed in chosen:
            found = self.today - dt.timedelta(days=found_ago)
            danger = self.add(HiddenDanger(
                title=title, description=description, level=level, source="self_inspection", found_on=found,
                found_by=owner.full_name, owner=owner, deadline=found + dt.timedelta(days=allowed),
                measures="" if status == DangerStatus.REPORTED else "按规范修复并复测",
                funds_yuan=Decimal(self.rng.choice((800, 2500, 12000, 86000))), status=status,
                rectification_plan="目标：恢复紧急切断功能；措施：更换执行机构；资金 8.6 万元；时限 30 天；"
                                   "责任人：设备部；期间加强巡检并落实应急预案" if level == "major" else "",
                rectification_note="已完成整改，申请验收" if status in (DangerStatus.SUBMITTED,
                                                                       DangerStatus.ACCEPTED) else "",
                **_owned(firm)))
            if level == "major":
                danger.reported_to_supervisor_at = self.ago(found_ago)
            if status == DangerStatus.ACCEPTED and acceptor is not None:
                danger.accepted_by, danger.accepted_at = acceptor, self.ago(found_ago - allowed + 1, 15)
            elif status == DangerStatus.ACCEPTED:
                danger.status = DangerStatus.SUBMITTED
            if danger.status != DangerStatus.ACCEPTED and danger.deadline < self.today:
                danger.escalated_at = self.ago(0, 1)

    def inspections(self, firm: Enterprise, inspector: User) -> None:
        points = [self.add(Checkpoint(name=f"{place}巡检点", location=f"{firm.name[:8]}{place}", check_items=items,
                                      **_owned(firm))) for place, items in ITEMS.items()]
        route = self.add(Route(name="日常巡检路线", frequency="day", active_since=self.ago(6, 12), **_owned(firm)))
        route.demo_points = points  # type: ignore[attr-defined]  # stops are made once the rows have keys
        skipped = self.rng.randint(1, 4)  # one day the pump room was not visited
        for day in range(5, 0, -1):
            for point in points:
                if day == skipped and point is points[-1]:
                    continue
                abnormal = self.rng.random() < 0.08
                results = [{"item": item, "ok": not (abnormal and i == 0), "note": "读数偏高，已报告" if
                            abnormal and i == 0 else ""} for i, item in enumerate(point.check_items)]
                record = self.add(InspectionRecord(checkpoint=point, route=route, inspector=inspector,
                                                   checked_at=self.ago(day, 9), scanned=True, results=results,
                                                   abnormal=abnormal, **_owned(firm)))
                record.demo_route = route  # type: ignore[attr-defined]
        route.demo_missed = (skipped, points[-1].name)  # type: ignore[attr-defined]

    def maintenance(self, firm: Enterprise) -> None:
        self.add(MaintenanceRecord(equipment="P-101 进料泵", equipment_code="P-101", performed_by="维修班",
                                   performed_on=self.today - dt.timedelta(days=100), work="更换机械密封",
                                   next_due=self.today - dt.timedelta(days=10), **_owned(firm)))
        self.add(MaintenanceRecord(equipment="V-201 安全阀", equipment_code="PSV-201", performed_by="检验所",
                                   performed_on=self.today - dt.timedelta(days=30), work="离线校验",
                                   next_due=self.today + dt.timedelta(days=335), **_owned(firm)))

    def commitments(self, firm: Enterprise, signer: User) -> None:
        missed = self.rng.randint(2, 5)
        for day in range(6, -1, -1):
            date = self.today - dt.timedelta(days=day)
            if day == missed or (day == 0 and self.rng.random() < 0.3):
                if day:
                    self.add(CommitmentMiss(day=date, **_owned(firm)))
                continue
            self.add(SafetyCommitment(day=date, units_running=self.rng.randint(2, 5), units_stopped=0,
                                      special_works_planned=1, hot_works_planned=1, risks_controlled=True,
                                      statement="今日各装置、储存设施安全风险处于受控状态，特殊作业按规定审批。",
                                      principal=firm.legal_representative or "主要负责人", signed_by=signer,
                                      signed_at=self.ago(day, 8), **_owned(firm)))


def _subscriptions(builder: _Builder, firms: list[Enterprise], keep_active: set[int]) -> list[str]:
    """Every park firm subscribes; two (never a printed account's) are unpaid/suspended or expired."""
    lapsed = [f for f in firms if f.pk not in keep_active][:2]
    for firm in firms:
        state, start, end = "active", -200, 165
        if lapsed and firm == lapsed[0]:
            state = "suspended"
        elif len(lapsed) > 1 and firm == lapsed[1]:
            start, end = -400, -35
        builder.add(Subscription(plan=builder.rng.choice(("basic", "standard", "professional")),
                                 seats=builder.rng.choice((5, 10, 20)), starts_on=builder.today + dt.timedelta(start),
                                 ends_on=builder.today + dt.timedelta(end), state=state, **_owned(firm)))
    return [f.name for f in lapsed]


def _check(builder: _Builder, firm: Enterprise, inspector: User | None) -> None:
    if inspector is None:
        return
    check = builder.add(SupervisionCheck(mode="remote", checked_on=builder.today - dt.timedelta(days=3),
                                         inspector=inspector, department_id=inspector.department_id,
                                         findings="远程巡查发现：视频监控 2 路离线；部分巡检记录未扫码签到",
                                         **_owned(firm)))
    check.demo_orders = [("限期恢复离线视频监控", 4), ("落实巡检扫码签到制度", 10)]  # type: ignore[attr-defined]


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Replace the demo prevention records (needs the registry's and hazmat's demo loaded); password unused."""
    unload_demo()
    rng = random.Random(SEED)
    builder = _Builder(rng, timezone.now())
    firms = list(Enterprise.objects.filter(is_demo=True, in_chemical_park=True).order_by("credit_code"))
    units: dict[int, list[HazardUnit]] = {}
    for unit in HazardUnit.objects.filter(enterprise__in=firms).order_by("name"):
        units.setdefault(unit.enterprise_id, []).append(unit)
    accounts = {u.enterprise_id: u for u in User.objects.filter(username__in=SIGN_IN_ACCOUNTS,
                                                                 enterprise__isnull=False) if u.enterprise_id}
    government = User.objects.filter(username="yingji_officer").first()
    for n, firm in enumerate(firms):
        person = _safety_person(firm)
        owner = accounts.get(firm.pk, person)
        builder.risk_points(firm, units.get(firm.pk, []))
        builder.dangers(firm, owner, person if owner is not person else government, major=n % 5 == 0)
        builder.inspections(firm, person)
        builder.maintenance(firm)
        if any(u.is_major_hazard for u in units.get(firm.pk, [])):
            builder.commitments(firm, owner)
        if n % 4 == 0:
            _check(builder, firm, government)
    lapsed = _subscriptions(builder, firms, {pk for pk in accounts if pk is not None})
    _insert(builder)
    counts = {m._meta.verbose_name: len(rows) for m, rows in builder.rows.items()}
    audit.record(AuditAction.IMPORT, actor=None, object_type="prevention.demo", object_repr="演示数据：双重预防",
                 after={"counts": {str(k): v for k, v in counts.items()}, "lapsed": lapsed, "demo": True})
    section = DemoSection()
    for model in (RiskPoint, HiddenDanger, Checkpoint, InspectionRecord, SafetyCommitment):
        section.counts[str(model._meta.verbose_name)] = len(builder.rows.get(model, []))
    section.counts["逾期隐患"] = sum(1 for d in builder.rows.get(HiddenDanger, []) if d.escalated_at)
    return section


def _insert(builder: _Builder) -> None:
    """Insert in dependency order, then the rows that need keys: route stops, missed rounds, orders, steps."""
    for model in (RiskPoint, HiddenDanger, Checkpoint, Route, InspectionRecord, MaintenanceRecord, SafetyCommitment,
                  CommitmentMiss, Subscription, SupervisionCheck):
        model.objects.bulk_create(builder.rows.get(model, []), batch_size=500)  # type: ignore[attr-defined]
    stops: list[RouteStop] = []
    missed: list[MissedRound] = []
    for route in builder.rows.get(Route, []):
        stops.extend(RouteStop(route=route, checkpoint=p, order=i + 1) for i, p in enumerate(route.demo_points))
        day, name = route.demo_missed
        start = builder.ago(day, 0).replace(minute=0)
        missed.append(MissedRound(route=route, period_start=start, period_end=start + dt.timedelta(days=1),
                                  missing=[name]))
    RouteStop.objects.bulk_create(stops, batch_size=500)
    MissedRound.objects.bulk_create(missed, batch_size=500)
    EnforcementOrder.objects.bulk_create(
        [EnforcementOrder(check_record=c, content=text, deadline=c.checked_on + dt.timedelta(days=days))
         for c in builder.rows.get(SupervisionCheck, []) for text, days in c.demo_orders], batch_size=500)
    steps = []
    flow = [("上报", "", DangerStatus.REPORTED), ("开始整改", DangerStatus.REPORTED, DangerStatus.RECTIFYING),
            ("提交验收", DangerStatus.RECTIFYING, DangerStatus.SUBMITTED),
            ("验收通过", DangerStatus.SUBMITTED, DangerStatus.ACCEPTED)]
    for danger in builder.rows.get(HiddenDanger, []):
        reached = [s for s, _f, _t in flow].index({DangerStatus.REPORTED: "上报", DangerStatus.RECTIFYING: "开始整改",
                                                   DangerStatus.SUBMITTED: "提交验收",
                                                   DangerStatus.ACCEPTED: "验收通过"}[danger.status])
        for action, from_status, to_status in flow[: reached + 1]:
            actor = danger.accepted_by if action == "验收通过" else danger.owner
            steps.append(HiddenDangerStep(danger=danger, action=action, from_status=from_status, to_status=to_status,
                                          actor=actor, actor_name=actor.full_name if actor else "", note=""))
        if danger.escalated_at:
            steps.append(HiddenDangerStep(danger=danger, action="逾期升级", from_status=danger.status,
                                          to_status=danger.status, actor_name="系统",
                                          note=f"超过整改期限，已升级至{danger.owner_department or '监管部门'}"))
    HiddenDangerStep.objects.bulk_create(steps, batch_size=500)
