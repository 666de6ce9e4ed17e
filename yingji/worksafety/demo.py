"""Demo special work for `yingji demo`: approver accounts, e-locked tools and permits at every stage in the two
demo park firms (ent_a, ent_b), including hot work in progress now, so the supervisor's map shows it.

Everything goes through the real services (rules checked, audited) with times relative to now, then is marked
``is_demo``. Idempotent by replacement: :func:`unload_demo` (the app's ``demo_unloader``, run by `yingji demo`
before any loader and before monitoring's) deletes the demo permits, tools and their lock devices.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingji.core.demo import DemoSection
from yingji.core.demo_accounts import DemoAccount, record_accounts, upsert_demo_user
from yingji.core.models import User
from yingji.core.models.tokens import hash_token
from yingji.core.roles import Role
from yingji.monitoring import devices
from yingji.monitoring.demo.loader import demo_token
from yingji.monitoring.models import Alarm, Channel, Device, DeviceCredential

from . import locks, rules, services, watch_services
from .constants import APPROVER_LABELS, ApproverRole, WorkType
from .models import LockEvent, Permit, PermitApprover, SpotCheck, Tool, UnlockRequest
from .watch_rules import COMBUSTIBLE_METRIC

# ent_a's plant: one approver account per role, as a real plant has (车间主任, 安全部, 设备部, 主管副厂长).
APPROVER_ACCOUNTS = (
    ("ent_a_workshop", ApproverRole.GRASSROOTS, "车间主任（演示）"),
    ("ent_a_safety", ApproverRole.SAFETY_DEPT, "安全管理部部长（演示）"),
    ("ent_a_specialist", ApproverRole.SPECIALIST, "设备部部长（演示）"),
    ("ent_a_leader", ApproverRole.PLANT_LEADER, "主管副厂长（演示）"),
)
SITE_DETECTOR = "DEMO-HW-GAS-01"
SITE_CAMERA = {"video_source": "CAM-DEMO-E203", "video_url": "rtsp://127.0.0.1:8554/demo/e203"}
WELDER = {"name": "王焊工", "certificate_no": "T211122198001010011"}
HELPER = {"name": "刘焊工", "certificate_no": "T211122198502020022"}


def unload_demo() -> dict[str, int]:
    """Delete the demo permits (with approvals, analyses, spot checks), tools, lock records and lock devices."""
    tools = Tool.objects.filter(is_demo=True)
    device_ids = list(tools.values_list("device_id", flat=True))
    LockEvent.objects.filter(tool__in=tools).delete()
    UnlockRequest.objects.filter(tool__in=tools).delete()
    permits = Permit.objects.filter(is_demo=True)
    UnlockRequest.objects.filter(permit__in=permits).delete()
    SpotCheck.objects.filter(permit__in=permits).delete()
    _, per_model = permits.delete()
    tools.delete()
    Alarm.objects.filter(channel__device_id__in=device_ids).delete()
    Device.objects.filter(pk__in=device_ids).delete()
    usernames = [a[0] for a in APPROVER_ACCOUNTS]
    PermitApprover.objects.filter(user__username__in=usernames).delete()
    User.objects.filter(username__in=usernames).update(enterprise=None)  # the registry replaces the firms next
    return {"permits": per_model.get(Permit._meta.label, 0)}


def _checklist(work_type: WorkType) -> dict[str, bool]:
    return {code: True for code, _ in rules.checklist(work_type)}


def _plan(firm: Any, work_type: WorkType, level: str, place: str, content: str, start_h: float, hours: float,
          dx: float, dy: float, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "work_type": work_type.value, "declared_level": level, "place": place, "content": content,
        "planned_start": now + timedelta(hours=start_h), "planned_end": now + timedelta(hours=start_h + hours),
        "guardian": "赵监护", "workers": [WELDER, HELPER], "checklist": _checklist(work_type),
        "longitude": round(firm.longitude + dx, 6), "latitude": round(firm.latitude + dy, 6),
        "hazards": "可燃气体泄漏、火灾、灼烫", **extra,
    }


def _approved(permit: Permit, approvers: dict[ApproverRole, User]) -> Permit:
    for role in rules.required_approvals(WorkType(permit.work_type), permit.level):
        permit = services.approve_permit(permit, actor=approvers[role], opinion="同意，落实各项安全措施")
    return permit


def _gas(permit: Permit, actor: User, minutes_ago: float) -> None:
    services.record_gas_analysis(permit, {
        "sampled_at": timezone.now() - timedelta(minutes=minutes_ago), "analyst": "孙分析（演示）",
        "sample_point": permit.place, "combustible_name": "甲烷", "combustible_vol_pct": 0.05, "lel_vol_pct": 5.0,
        "oxygen_vol_pct": 20.8}, actor=actor)


def _site_detector(firm: Any, actor: User) -> Channel:
    """The site's combustible-gas channel for the hot work (特级 at night and on rest days needs one): a portable
    detector registered for the work, fed by the simulator like every demo device (no scripted leak on it)."""
    device = devices.create_device_with_channels(
        {"code": SITE_DETECTOR, "name": "便携式可燃气体检测仪（动火现场）", "device_type": "combustible_gas_detector",
         "enterprise_id": firm.pk, "installation_point": "催化裂化装置 E-203 动火点",
         "longitude": round(firm.longitude + 0.0006, 6), "latitude": round(firm.latitude + 0.0004, 6)},
        [{"metric": COMBUSTIBLE_METRIC, "unit": "%LEL", "range_min": 0, "range_max": 100, "sample_interval_s": 30}],
        actor=actor)
    Device.objects.filter(pk=device.pk).update(is_demo=True)  # monitoring's demo unloader deletes it
    raw = demo_token(device.code)
    DeviceCredential.objects.create(device=device, prefix=raw[:10], digest=hash_token(raw))
    return device.channels.get()


def _approvers(firm: Any, password: str) -> tuple[dict[ApproverRole, User], list[DemoAccount]]:
    users: dict[ApproverRole, User] = {}
    accounts = []
    for username, role, name in APPROVER_ACCOUNTS:
        account = DemoAccount(username, Role.ENTERPRISE_OFFICER, name, f"{firm.name}：{APPROVER_LABELS[role]}审批")
        users[role] = upsert_demo_user(account, password=password, enterprise=firm)
        PermitApprover.objects.create(user=users[role], enterprise=firm, role=role)
        accounts.append(account)
    record_accounts(accounts)
    return users, accounts


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Replace the demo special work (needs the registry's ent_a / ent_b accounts and their firms)."""
    unload_demo()
    ent_a = User.objects.select_related("enterprise").get(username="ent_a")
    ent_b = User.objects.select_related("enterprise").get(username="ent_b")
    firm_a, firm_b = ent_a.enterprise, ent_b.enterprise
    approvers, accounts = _approvers(firm_a, password)
    PermitApprover.objects.get_or_create(user=ent_b, enterprise=firm_b, role=ApproverRole.GRASSROOTS)

    welder, _ = locks.register_tool({"name": "1号电焊机", "kind": "welder", "lock_id": "EL-DEMO-0001",
                                     "serial_no": "ZX7-400-2024-118"}, actor=ent_a)
    cutter, _ = locks.register_tool({"name": "2号等离子切割机", "kind": "cutter", "lock_id": "EL-DEMO-0002",
                                     "serial_no": "LGK-100-2025-031"}, actor=ent_a)

    hot = services.create_permit(_plan(firm_a, WorkType.HOT_WORK, "1", "催化裂化装置 E-203 换热器出口管线",
                                       "更换出口管线法兰并焊接", -0.5, 6, 0.0006, 0.0004), actor=ent_a,
                                 tools=[welder.pk])
    hot = _approved(services.submit_permit(hot, actor=ent_a), approvers)
    watch_services.link_site_watch(hot, {"monitor_channels": [_site_detector(firm_a, ent_a).pk], **SITE_CAMERA},
                                   actor=ent_a)
    _gas(hot, ent_a, 5)
    services.start_work(hot, actor=ent_a)

    confined = services.create_permit(_plan(firm_a, WorkType.CONFINED_SPACE, "single", "T-102 原料罐内部",
                                            "罐内防腐检查", 1, 8, -0.0005, 0.0003,
                                            workers=[{"name": "周检修", "certificate_no": ""}]), actor=ent_a)
    services.submit_permit(confined, actor=ent_a)  # waiting for the workshop's approval

    height = services.create_permit(_plan(firm_a, WorkType.HEIGHT, "II", "气体分馏装置框架 12 m 平台",
                                          "平台护栏修复", -1, 4, 0.0002, -0.0005,
                                          workers=[{"name": "吴架子工", "certificate_no": "T211122199003030033"}]),
                                    actor=ent_a)
    height = _approved(services.submit_permit(height, actor=ent_a), approvers)
    for step in (services.start_work, services.complete_work, services.close_permit):
        height = step(height, actor=ent_a)

    services.create_permit(_plan(firm_a, WorkType.LIFTING, "2", "常减压装置东侧", "换热器管束吊装（65 t）", 24, 6,
                                 0.0008, 0.0, workers=[{"name": "郑司索", "certificate_no": "Q2-2111220044"}]),
                           actor=ent_a)  # a draft for tomorrow

    blinding = services.create_permit(_plan(firm_b, WorkType.BLINDING, "single", "装车栈台 DN150 进料管线",
                                            "加装盲板", -0.5, 4, 0.0005, 0.0005,
                                            workers=[{"name": "钱管工", "certificate_no": ""}]), actor=ent_b)
    blinding = services.approve_permit(services.submit_permit(blinding, actor=ent_b), actor=ent_b)
    services.start_work(blinding, actor=ent_b)

    Permit.objects.filter(enterprise__in=[firm_a, firm_b]).update(is_demo=True)
    Tool.objects.filter(pk__in=[welder.pk, cutter.pk]).update(is_demo=True)
    section = DemoSection(accounts=accounts)
    section.counts["特殊作业票"] = Permit.objects.filter(is_demo=True).count()
    section.counts["正在进行的特殊作业"] = services.active_permits(Permit.objects.filter(is_demo=True)).count()
    section.counts["动火工具（电子锁）"] = 2
    return section
