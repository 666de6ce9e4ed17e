"""GB 30871-2022《危险化学品企业特殊作业安全规范》 as tables, with the clause beside each value (pure, no Django).

Chapters of the standard: 4 general requirements, 5 动火 hot work, 6 受限空间 confined space, 7 盲板抽堵
blinding, 8 高处 height, 9 吊装 lifting, 10 临时用电 temporary power, 11 动土 excavation, 12 断路 road
closure. Figures are those of ../shared/DOMAIN.md §4; where DOMAIN is silent the value is a platform default,
marked ``PLATFORM`` and kept configurable here. Chapter references are exact; finer clause numbers carry
"(verify)" where they still need checking against the standard's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Final

STANDARD: Final = "GB 30871-2022"
PLATFORM: Final = "平台默认值（标准未作规定，可配置）"


class WorkType(StrEnum):
    """The eight kinds of special work (GB 30871-2022 第3章 definitions, chapters 5–12)."""

    HOT_WORK = "hot_work"
    CONFINED_SPACE = "confined_space"
    BLINDING = "blinding"
    HEIGHT = "height"
    LIFTING = "lifting"
    TEMPORARY_POWER = "temporary_power"
    EXCAVATION = "excavation"
    ROAD_CLOSURE = "road_closure"


WORK_TYPE_LABELS: Final[dict[WorkType, str]] = {
    WorkType.HOT_WORK: "动火作业", WorkType.CONFINED_SPACE: "受限空间作业", WorkType.BLINDING: "盲板抽堵作业",
    WorkType.HEIGHT: "高处作业", WorkType.LIFTING: "吊装作业", WorkType.TEMPORARY_POWER: "临时用电作业",
    WorkType.EXCAVATION: "动土作业", WorkType.ROAD_CLOSURE: "断路作业",
}
# Permit numbers start with the type's initials, as the plant's paper permits do (动火 DH-…).
WORK_TYPE_CODES: Final[dict[WorkType, str]] = {
    WorkType.HOT_WORK: "DH", WorkType.CONFINED_SPACE: "SX", WorkType.BLINDING: "MB", WorkType.HEIGHT: "GC",
    WorkType.LIFTING: "DZ", WorkType.TEMPORARY_POWER: "LD", WorkType.EXCAVATION: "DT", WorkType.ROAD_CLOSURE: "DL",
}
WORK_TYPE_CHAPTER: Final[dict[WorkType, str]] = {t: f"{STANDARD} 第{n}章" for n, t in enumerate(WorkType, start=5)}

# --- levels ---------------------------------------------------------------------------------------------
SINGLE: Final = "single"  # the types the standard does not grade have one level
HOT_SPECIAL, HOT_1, HOT_2 = "special", "1", "2"  # §5 作业分级: 特级 / 一级 / 二级
LEVELS: Final[dict[WorkType, tuple[str, ...]]] = {
    WorkType.HOT_WORK: (HOT_SPECIAL, HOT_1, HOT_2),
    WorkType.HEIGHT: ("I", "II", "III", "IV"),  # §8: Ⅰ 2–5 m, Ⅱ 5–15 m, Ⅲ 15–30 m, Ⅳ > 30 m
    WorkType.LIFTING: ("1", "2", "3"),  # §9: 一级 > 100 t, 二级 40–100 t, 三级 < 40 t
    WorkType.CONFINED_SPACE: (SINGLE,), WorkType.BLINDING: (SINGLE,), WorkType.TEMPORARY_POWER: (SINGLE,),
    WorkType.EXCAVATION: (SINGLE,), WorkType.ROAD_CLOSURE: (SINGLE,),
}
LEVEL_LABELS: Final[dict[tuple[WorkType, str], str]] = {
    (WorkType.HOT_WORK, HOT_SPECIAL): "特级", (WorkType.HOT_WORK, HOT_1): "一级", (WorkType.HOT_WORK, HOT_2): "二级",
    (WorkType.HEIGHT, "I"): "Ⅰ级", (WorkType.HEIGHT, "II"): "Ⅱ级", (WorkType.HEIGHT, "III"): "Ⅲ级",
    (WorkType.HEIGHT, "IV"): "Ⅳ级",
    (WorkType.LIFTING, "1"): "一级", (WorkType.LIFTING, "2"): "二级", (WorkType.LIFTING, "3"): "三级",
}
# §5 (verify clause): holidays, rest days and night raise hot work one level: 二级 → 一级 → 特级 (the top stays).
HOT_WORK_RAISED: Final[dict[str, str]] = {HOT_2: HOT_1, HOT_1: HOT_SPECIAL, HOT_SPECIAL: HOT_SPECIAL}
# §8 height bands (m, upper bound inclusive) and §9 lifting bands (t, lower bound exclusive for 一级).
HEIGHT_BANDS_M: Final[tuple[tuple[float, str], ...]] = ((5, "I"), (15, "II"), (30, "III"))
HEIGHT_MIN_M: Final = 2.0  # §3 高处作业: 坠落基准面 2 m 及以上
LIFTING_LEVEL_1_ABOVE_T: Final = 100.0
LIFTING_LEVEL_3_BELOW_T: Final = 40.0

# --- validity (DOMAIN §4) --------------------------------------------------------------------------------
VALIDITY: Final[dict[tuple[WorkType, str], timedelta]] = {
    (WorkType.HOT_WORK, HOT_SPECIAL): timedelta(hours=8),   # §5: 特级、一级动火 ≤ 8 h
    (WorkType.HOT_WORK, HOT_1): timedelta(hours=8),
    (WorkType.HOT_WORK, HOT_2): timedelta(hours=72),        # §5: 二级动火 ≤ 72 h
    (WorkType.CONFINED_SPACE, SINGLE): timedelta(hours=24),  # §6: ≤ 24 h
    **{(WorkType.HEIGHT, lv): timedelta(days=7) for lv in LEVELS[WorkType.HEIGHT]},  # §8: ≤ 7 d
    (WorkType.TEMPORARY_POWER, SINGLE): timedelta(days=15),  # §10: ≤ 15 d (never > 30 d with renewals)
    # PLATFORM: DOMAIN gives no limit for these; one permit covers one working day unless configured otherwise.
    (WorkType.BLINDING, SINGLE): timedelta(hours=24),
    **{(WorkType.LIFTING, lv): timedelta(hours=24) for lv in LEVELS[WorkType.LIFTING]},
    (WorkType.EXCAVATION, SINGLE): timedelta(hours=24),
    (WorkType.ROAD_CLOSURE, SINGLE): timedelta(hours=24),
}
TEMPORARY_POWER_ABSOLUTE_MAX: Final = timedelta(days=30)  # §10: never more than 30 days
PLATFORM_VALIDITY: Final = frozenset({WorkType.BLINDING, WorkType.LIFTING, WorkType.EXCAVATION,
                                      WorkType.ROAD_CLOSURE})

# --- gas analysis (DOMAIN §4) ----------------------------------------------------------------------------
GAS_ANALYSIS_TYPES: Final = frozenset({WorkType.HOT_WORK, WorkType.CONFINED_SPACE})
GAS_SAMPLE_MAX_AGE: Final = timedelta(minutes=30)  # §5, §6: sampled ≤ 30 min before start / entry
# Re-analysis after a stop longer than this (§5: 特级/一级 30 min, 二级 60 min; §6: 60 min).
REANALYSIS_AFTER_STOP: Final[dict[tuple[WorkType, str], timedelta]] = {
    (WorkType.HOT_WORK, HOT_SPECIAL): timedelta(minutes=30),
    (WorkType.HOT_WORK, HOT_1): timedelta(minutes=30),
    (WorkType.HOT_WORK, HOT_2): timedelta(minutes=60),
    (WorkType.CONFINED_SPACE, SINGLE): timedelta(minutes=60),
}
CONFINED_READING_INTERVAL: Final = timedelta(hours=2)  # §6: continuous detection, a reading recorded every 2 h
# §5 pass limits for combustibles (% vol): LEL ≥ 4 % → ≤ 0.5 %; LEL < 4 % → ≤ 0.2 %.
LEL_SPLIT_VOL_PCT: Final = 4.0
COMBUSTIBLE_MAX_HIGH_LEL: Final = 0.5
COMBUSTIBLE_MAX_LOW_LEL: Final = 0.2
OXYGEN_EQUIPMENT_MAX_VOL_PCT: Final = 23.5  # §5: hot work on oxygen-handling equipment, O₂ ≤ 23.5 %
OXYGEN_MIN_VOL_PCT: Final = 19.5  # §6: confined space O₂ 19.5–21 %
OXYGEN_MAX_VOL_PCT: Final = 21.0
OXYGEN_ENRICHED_MAX_VOL_PCT: Final = 23.5  # §6: in an oxygen-enriched space never above 23.5 %
# Toxic substances: ≤ the occupational exposure limit (GBZ 2.1-2019), mg/m³; the same figures as the
# monitoring rule packs (DOMAIN §5). An analysis may give any other substance with its own OEL.
TOXIC_OEL_MG_M3: Final[dict[str, float]] = {
    "硫化氢": 10, "一氧化碳": 20, "氨": 20, "氯气": 1, "二氧化硫": 5, "苯": 6, "甲醇": 25, "甲苯": 50,
}


# --- approvers (DOMAIN §4) -------------------------------------------------------------------------------
class ApproverRole(StrEnum):
    """Who signs a permit inside the enterprise, lowest first."""

    GRASSROOTS = "grassroots"      # 基层单位（车间）负责人
    SAFETY_DEPT = "safety_dept"    # 安全管理部门
    SPECIALIST = "specialist"      # 专业部门（设备、电气、工程等）
    PLANT_LEADER = "plant_leader"  # 主管领导（厂长、总工程师）


APPROVER_LABELS: Final[dict[ApproverRole, str]] = {
    ApproverRole.GRASSROOTS: "基层单位（车间）负责人",
    ApproverRole.SAFETY_DEPT: "安全管理部门",
    ApproverRole.SPECIALIST: "专业部门",
    ApproverRole.PLANT_LEADER: "主管领导（厂长/总工程师）",
}
_G, _S, _P, _L = ApproverRole.GRASSROOTS, ApproverRole.SAFETY_DEPT, ApproverRole.SPECIALIST, ApproverRole.PLANT_LEADER
# The last role in each chain is the approver DOMAIN §4 names; the roles before it sign first, in order, as the
# permit travels up from the unit doing the work. Temporary power, excavation and road closure: PLATFORM (the
# grass-roots unit, then the department whose lines, cables or roads are affected).
APPROVALS: Final[dict[tuple[WorkType, str], tuple[ApproverRole, ...]]] = {
    (WorkType.HOT_WORK, HOT_SPECIAL): (_G, _S, _L),  # 特级动火: 主管领导
    (WorkType.HOT_WORK, HOT_1): (_G, _S),            # 一级动火: 安全管理部门
    (WorkType.HOT_WORK, HOT_2): (_G,),               # 二级动火: 基层单位
    (WorkType.CONFINED_SPACE, SINGLE): (_G,),
    (WorkType.BLINDING, SINGLE): (_G,),
    (WorkType.HEIGHT, "I"): (_G,),
    (WorkType.HEIGHT, "II"): (_G, _P),                # 高处 Ⅱ–Ⅲ: 专业部门
    (WorkType.HEIGHT, "III"): (_G, _P),
    (WorkType.HEIGHT, "IV"): (_G, _P, _L),            # 高处 Ⅳ: 厂长或总工程师
    (WorkType.LIFTING, "1"): (_G, _P, _L),            # 吊装一级 (> 100 t): 厂长或总工程师
    (WorkType.LIFTING, "2"): (_G, _P),                # 吊装二/三级: 专业部门
    (WorkType.LIFTING, "3"): (_G, _P),
    (WorkType.TEMPORARY_POWER, SINGLE): (_G, _P),
    (WorkType.EXCAVATION, SINGLE): (_G, _P),
    (WorkType.ROAD_CLOSURE, SINGLE): (_G, _P),
}


# --- workers' certificates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateRule:
    """Which workers of a type must hold which certificate (special-operation certificates, AQ/特种设备)."""

    kind: str
    label: str


CERTIFICATES: Final[dict[WorkType, CertificateRule]] = {
    WorkType.HOT_WORK: CertificateRule("welding", "特种作业操作证（焊接与热切割作业）"),       # §5, 安监总局令第30号
    WorkType.TEMPORARY_POWER: CertificateRule("electrician", "特种作业操作证（电工作业）"),   # §10
    WorkType.HEIGHT: CertificateRule("height", "特种作业操作证（高处作业）"),                  # §8 (verify)
    WorkType.LIFTING: CertificateRule("crane", "特种设备作业人员证（起重机械作业）"),          # §9
}


# --- safety-measure checklists (abridged from 附录 A's forms; each item must be confirmed) ---------------
COMMON_MEASURES: Final[tuple[tuple[str, str], ...]] = (
    ("jsa", "作业前已进行危害识别（JSA）并制定安全措施"),
    ("briefing", "已对作业人员进行安全交底"),
    ("ppe", "作业人员个体防护装备齐全、合格"),
    ("guardian_present", "监护人已到位，熟悉应急处置"),
)
MEASURES: Final[dict[WorkType, tuple[tuple[str, str], ...]]] = {
    WorkType.HOT_WORK: (
        ("isolated", "动火设备内部构件清洗干净，已吹扫、置换，与相连系统已加盲板或断开隔离"),
        ("drains_covered", "动火点周围 15 m 内的下水井、地漏、地沟、电缆沟等已封严"),
        ("combustibles_cleared", "动火点周围易燃物已清除，高处动火已采取防火花飞溅措施"),
        ("extinguishers", "动火现场已配备消防器材（灭火器、消防蒸汽带或水带）"),
        ("gas_detector", "已配备便携式可燃气体检测报警仪"),
    ),
    WorkType.CONFINED_SPACE: (
        ("isolated", "与受限空间相连的管道已加盲板隔离，能源已断开并挂牌上锁"),
        ("ventilated", "已进行清洗或置换，并采取通风措施"),
        ("rescue", "出入口畅通，已备救援器材（正压式空气呼吸器、安全绳等）"),
        ("lighting", "照明使用安全电压（潮湿或金属容器内不超过 12 V）"),
        ("continuous_detection", "作业期间进行连续气体检测"),
    ),
    WorkType.BLINDING: (
        ("blind_map", "已绘制盲板位置图并挂牌标识"),
        ("depressurised", "管道已泄压，温度、压力符合作业要求"),
        ("spark_free", "易燃易爆介质场所使用防爆（防火花）工具"),
    ),
    WorkType.HEIGHT: (
        ("harness", "作业人员佩戴安全带（双钩），安全带高挂低用"),
        ("scaffold", "脚手架、作业平台经验收合格"),
        ("weather", "无六级及以上大风、雷电、暴雨、大雾等恶劣天气"),
        ("tools_tethered", "工具、材料有防坠落措施"),
    ),
    WorkType.LIFTING: (
        ("plan", "已编制吊装方案（一级吊装经审批）"),
        ("crane_inspected", "起重机械、吊具、索具经检查合格"),
        ("area_cordoned", "吊装区域已设警戒，吊物下方无人"),
        ("signaller", "已指定专人指挥，信号统一"),
    ),
    WorkType.TEMPORARY_POWER: (
        ("rcd", "配电箱设漏电保护器，一机一闸一保护"),
        ("cables", "电缆绝缘良好，架空或埋地敷设"),
        ("explosion_proof", "爆炸危险区域使用防爆电气设备"),
    ),
    WorkType.EXCAVATION: (
        ("utilities_marked", "地下管线、电缆已查明并标识"),
        ("shoring", "已采取防坍塌措施（放坡、支撑）"),
        ("barriers", "作业区已设围栏和警示标志，夜间设警示灯"),
    ),
    WorkType.ROAD_CLOSURE: (
        ("notified", "已通知相关部门并确定绕行路线"),
        ("barriers", "路口已设交通警示标志和路障，夜间设警示灯"),
        ("fire_access", "保留消防、救援通道"),
    ),
}

# --- calendar (hot work one level higher on holidays, rest days and at night) ---------------------------
TIME_ZONE: Final = "Asia/Shanghai"
# Night: DOMAIN does not define it; 22:00–06:00 is the legal definition of 夜间 in 《中华人民共和国噪声污染防治法》
# 第八十八条. Configurable per site.
NIGHT_START: Final = time(22, 0)
NIGHT_END: Final = time(6, 0)
# 2026 public holidays and make-up working days: 国务院办公厅关于2026年部分节假日安排的通知 (verify each date
# against the notice; a site edits them in its configuration, see docs/worksafety.md).
HOLIDAYS_2026: Final[frozenset[date]] = frozenset(
    [date(2026, 1, d) for d in (1, 2, 3)]                        # 元旦
    + [date(2026, 2, d) for d in range(15, 24)]                 # 春节 2月15日–23日
    + [date(2026, 4, d) for d in (4, 5, 6)]                      # 清明节
    + [date(2026, 5, d) for d in range(1, 6)]                    # 劳动节
    + [date(2026, 6, d) for d in (19, 20, 21)]                   # 端午节
    + [date(2026, 9, d) for d in (25, 26, 27)]                   # 中秋节
    + [date(2026, 10, d) for d in range(1, 8)]                   # 国庆节
)
MAKEUP_WORKDAYS_2026: Final[frozenset[date]] = frozenset({
    date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
})

# --- wind (GB/T 28591-2012 风力等级: lower bound of each Beaufort force, m/s) -----------------------------
BEAUFORT_LOWER_MS: Final[tuple[float, ...]] = (0.0, 0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7)
OUTDOOR_HOT_WORK_MAX_FORCE: Final = 4  # DOMAIN §4: outdoor hot work banned at force ≥ 5

# --- tool e-locks ----------------------------------------------------------------------------------------
UNLOCK_TOKEN_TTL: Final = timedelta(seconds=120)  # PLATFORM: time to walk to the tool after scanning
UNLOCK_MAX_DISTANCE_M: Final = 50.0  # PLATFORM: the worker's position must be this close to the permit's point
LOCK_CLOCK_SKEW: Final = timedelta(seconds=30)  # PLATFORM: tolerance for the lock's real-time clock

# --- audit verbs and event topics -------------------------------------------------------------------------
class WorksafetyAudit(StrEnum):
    """Audit actions of the worksafety domain (core's create/update/delete cover plain record edits)."""

    PERMIT_SUBMIT = "worksafety.permit.submit"
    PERMIT_APPROVE = "worksafety.permit.approve"
    PERMIT_START = "worksafety.permit.start"
    PERMIT_SUSPEND = "worksafety.permit.suspend"
    PERMIT_RESUME = "worksafety.permit.resume"
    PERMIT_COMPLETE = "worksafety.permit.complete"
    PERMIT_CLOSE = "worksafety.permit.close"
    PERMIT_CANCEL = "worksafety.permit.cancel"
    PERMIT_EXPIRE = "worksafety.permit.expire"
    PERMIT_RENEW = "worksafety.permit.renew"
    PERMIT_SITE_WATCH = "worksafety.permit.site_watch"
    GAS_ANALYSIS = "worksafety.gas.record"
    SPOT_CHECK = "worksafety.spotcheck.record"
    TOOL_REGISTER = "worksafety.tool.register"
    UNLOCK_GRANT = "worksafety.unlock.grant"
    UNLOCK_REFUSE = "worksafety.unlock.refuse"
    LOCK_EVENT = "worksafety.lock.event"


PERMIT_TOPIC: Final = "worksafety.permit"  # every permit change, after commit
UNLOCK_TOPIC: Final = "worksafety.tool.unlock"  # every unlock granted or refused, to the supervising department
LOCK_ALARM_RULE: Final = "elock_unlocked_without_permit"
ALARM_STOP_VERB: Final = "alarm_suspended"  # event verb and notice kind when an alarm on a named channel stops work

# --- retention ------------------------------------------------------------------------------------------
RETENTION: Final = timedelta(days=366)  # DOMAIN §4: permits kept ≥ 1 year (366 days covers a leap year)
