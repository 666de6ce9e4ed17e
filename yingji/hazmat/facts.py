"""Hazmat's part of the per-enterprise safety dashboard: the enterprise's major hazard installations and grade."""

from __future__ import annotations

from typing import Any

from yingji.core.safety_facts import SafetyFact, Tone

from .models import HazardUnit

GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def enterprise_safety_facts(enterprise: Any) -> list[SafetyFact]:
    """The most severe grade among its units, and which units are major hazards (read-only)."""
    units = list(HazardUnit.objects.filter(enterprise=enterprise).order_by("grade", "name")
                 .values_list("name", "is_major_hazard", "grade"))
    majors = [(name, int(grade)) for name, is_major, grade in units if is_major and grade is not None]
    if not majors:
        value, tone = ("未构成重大危险源" if units else "未申报危险化学品单元"), Tone.OK
    else:
        top = min(grade for _, grade in majors)
        value, tone = f"{GRADE_LABELS[top]}重大危险源", Tone.DANGER if top <= 2 else Tone.WARN
    detail = [f"{name}：{GRADE_LABELS[grade]}" for name, grade in majors]
    return [SafetyFact("hazmat.grade", "重大危险源级别", value, tone, detail),
            SafetyFact("hazmat.units", "危险化学品单元", f"{len(units)} 个（重大危险源 {len(majors)} 个）")]
