"""Hazmat's part of the per-enterprise safety dashboard: the enterprise's major hazard installations and grade."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core.safety_facts import SafetyFact, Tone

from .models import HazardUnit

GRADE_LABELS = {1: gettext_lazy("一级"), 2: gettext_lazy("二级"), 3: gettext_lazy("三级"), 4: gettext_lazy("四级")}


def enterprise_safety_facts(enterprise: Any) -> list[SafetyFact]:
    """The most severe grade among its units, and which units are major hazards (read-only)."""
    units = list(HazardUnit.objects.filter(enterprise=enterprise).order_by("grade", "name")
                 .values_list("name", "is_major_hazard", "grade"))
    majors = [(name, int(grade)) for name, is_major, grade in units if is_major and grade is not None]
    if not majors:
        value, tone = (_("未构成重大危险源") if units else _("未申报危险化学品单元")), Tone.OK
    else:
        top = min(grade for _, grade in majors)
        value, tone = _("%(grade)s重大危险源") % {"grade": GRADE_LABELS[top]}, Tone.DANGER if top <= 2 else Tone.WARN
    detail = [f"{name}：{GRADE_LABELS[grade]}" for name, grade in majors]
    return [SafetyFact("hazmat.grade", _("重大危险源级别"), value, tone, detail),
            SafetyFact("hazmat.units", _("危险化学品单元"),
                       _("%(units)s 个（重大危险源 %(majors)s 个）") % {"units": len(units), "majors": len(majors)})]
