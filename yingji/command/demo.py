"""Demo response plans for `yingji demo`: the county's hazardous-chemical and flood plans, published, so an
operator can open an incident and activate a plan at once.

The structure follows the county-level plan template (指挥部 with working groups led by member departments,
actions timed from activation; the 1-hour written report to the city follows 国务院令第493号 第九条). The
time limits are the demo's, not a real county's plan. Idempotent by replacement: demo plans never activated
are deleted and written again; ones an incident activated are kept (activations point at them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core import demo as core_demo
from yingji.core.demo import DemoSection
from yingji.core.models import AuditAction, Department

from .models import PlanAction, PlanGroup, ResponsePlan, ResponsePlanStatus


@dataclass(frozen=True)
class _Plan:
    code: str
    name: str
    incident_types: tuple[str, ...]
    groups: tuple[tuple[str, str, str], ...]  # name, lead department code, duties
    actions: tuple[tuple[str, str, int, str], ...]  # title, department code, minutes, group
    resources: tuple[dict[str, Any], ...] = ()  # required resources; "department" is a department code here


PLANS = (
    _Plan("PS-YA-WH-01", "盘山县危险化学品事故应急预案", ("hazmat_release", "fire", "production_safety"), (
        ("综合协调组", core_demo.EMERGENCY, "信息汇总报送、协调成员单位、调度物资"),
        ("抢险救援组", core_demo.FIRE, "灭火、堵漏、洗消、搜救"),
        ("治安警戒组", core_demo.POLICE, "设置警戒区、交通管制、疏导群众"),
        ("环境监测组", core_demo.ENVIRONMENT, "大气、水体监测，提出防护和疏散范围建议"),
        ("医疗救护组", core_demo.HEALTH, "现场救治、转运伤员"),
        ("安置保障组", core_demo.HOUSING, "开放避难场所，安置疏散群众"),
    ), (
        ("核实事故信息，报告县政府主要领导", core_demo.EMERGENCY, 15, "综合协调组"),
        ("消防救援力量出动到场", core_demo.FIRE, 30, "抢险救援组"),
        ("设置警戒区，实施交通管制", core_demo.POLICE, 30, "治安警戒组"),
        ("医疗救护力量到场", core_demo.HEALTH, 45, "医疗救护组"),
        ("向市应急管理局书面报告", core_demo.EMERGENCY, 60, "综合协调组"),
        ("开展下风向大气和周边水体监测", core_demo.ENVIRONMENT, 60, "环境监测组"),
        ("组织下风向群众疏散并开放避难场所", core_demo.HOUSING, 90, "安置保障组"),
        ("发布事故信息和防护提示", core_demo.EMERGENCY, 120, "综合协调组"),
    ), (
        {"kind": "rescue-teams", "filters": {"team_type": "hazmat"}, "count": 2, "label": "危化品救援队",
         "department": core_demo.FIRE, "within_minutes": 30},
        {"kind": "experts", "filters": {"specialty": "hazmat"}, "count": 2, "label": "危险化学品专家",
         "within_minutes": 60},
        {"kind": "vehicles", "filters": {"vehicle_type": "ambulance"}, "count": 4, "label": "救护车",
         "department": core_demo.HEALTH, "within_minutes": 45},
        {"kind": "stock", "item": "防化服", "unit": "套", "count": 100, "within_minutes": 60},
        {"kind": "stock", "item": "堵漏工具", "unit": "套", "count": 5, "within_minutes": 60},
    )),
    _Plan("PS-YA-FX-01", "盘山县防汛应急预案", ("natural_disaster",), (
        ("综合协调组", core_demo.EMERGENCY, "汛情汇总、物资调拨、协调"),
        ("巡堤抢险组", core_demo.EMERGENCY, "巡堤查险、抢护险工险段"),
        ("转移安置组", core_demo.HOUSING, "转移低洼地区群众，开放避难场所"),
        ("交通保障组", core_demo.TRANSPORT, "抢修道路，保障转移和物资运输"),
    ), (
        ("启动巡堤查险，上报险情", core_demo.EMERGENCY, 60, "巡堤抢险组"),
        ("对积水和受损路段实施交通管制", core_demo.TRANSPORT, 60, "交通保障组"),
        ("调拨防汛抢险物资到险工险段", core_demo.EMERGENCY, 90, "综合协调组"),
        ("转移低洼地区和蓄滞洪区群众", core_demo.HOUSING, 120, "转移安置组"),
        ("中小学校停课并转移在校学生", core_demo.EDUCATION, 120, "转移安置组"),
    ), (
        {"kind": "rescue-teams", "filters": {"team_type": "flood"}, "count": 3, "label": "防汛抢险队",
         "within_minutes": 60},
        {"kind": "vehicles", "filters": {"vehicle_type": "transport"}, "count": 8, "label": "转移群众车辆",
         "department": core_demo.TRANSPORT, "within_minutes": 90},
        {"kind": "stock", "item": "防汛编织袋", "unit": "袋", "count": 20000, "within_minutes": 90},
        {"kind": "stock", "item": "救生衣", "unit": "件", "count": 500, "within_minutes": 90},
    )),
)


def unload_demo() -> dict[str, int]:
    """Delete the demo plans no incident activated (with their groups and actions)."""
    deleted, _ = ResponsePlan.objects.filter(is_demo=True, activations__isnull=True).delete()
    return {"应急预案": deleted}


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """The two county plans, published (current), owned by the emergency bureau."""
    departments = {d.code: d for d in Department.objects.all()}
    owner = departments[core_demo.EMERGENCY]
    made = 0
    for spec in PLANS:
        if ResponsePlan.objects.filter(code=spec.code).exists():
            continue  # an activated demo plan was kept: it is still the current one
        plan = ResponsePlan.objects.create(
            code=spec.code, name=spec.name, incident_types=list(spec.incident_types), min_response="IV",
            owner_department=owner, is_demo=True, status=ResponsePlanStatus.CURRENT, published_at=timezone.now(),
            summary="演示预案：结构依县级专项预案模板，时限和所需资源为演示设定",
            required_resources=[{**r, "department": departments[r["department"]].pk} if "department" in r else dict(r)
                                for r in spec.resources])
        plan.notify_departments.set({departments[code] for _, code, _ in spec.groups})
        groups = {name: PlanGroup.objects.create(plan=plan, name=name, lead_department=departments[code],
                                                 duties=duties, order=i)
                  for i, (name, code, duties) in enumerate(spec.groups)}
        PlanAction.objects.bulk_create([
            PlanAction(plan=plan, group=groups[group], title=title, department=departments[code], due_minutes=minutes,
                       order=i) for i, (title, code, minutes, group) in enumerate(spec.actions)])
        made += 1
    audit.record(AuditAction.IMPORT, actor=None, object_type="command.responseplan", object_repr="演示数据：应急预案",
                 after={"count": made, "demo": True})
    return DemoSection(counts={"应急预案": len(PLANS)})
