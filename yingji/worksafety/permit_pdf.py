"""A special-work permit as a PDF laid out like the standard's form (GB 30871-2022 附录): the same rows as the
printable page, rendered with fpdf2 and the server's CJK font so it can be filed or sent as it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from fpdf.enums import XPos, YPos

from yingji.core.pdf import CjkPdf, heading_style

from . import constants as c
from . import rules
from .models import Permit


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H时%M分") if moment else ""


def _rows(permit: Permit, detail: dict[str, Any]) -> list[tuple[str, str]]:
    workers = "；".join(w.get("name", "") + (f"（{w['certificate_no']}）" if w.get("certificate_no") else "")
                       for w in permit.workers)
    rows = [
        ("作业单位", permit.enterprise.name), ("作业地点", permit.place), ("申请人", detail["applicant"]),
        ("作业内容", permit.content),
        ("作业时间", f"自 {_when(permit.planned_start)} 至 {_when(permit.planned_end)}"),
        ("作业人员及证书编号", workers), ("监护人", permit.guardian), ("危害辨识", permit.hazards or ""),
    ]
    if detail["level_reasons"]:
        rows.insert(5, ("升级说明", "；".join(detail["level_reasons"])))
    return rows


def permit_pdf(permit: Permit, detail: dict[str, Any]) -> bytes:
    """The permit (with its analyses, checklist, approvals in order and completion) as A4 PDF bytes.

    :raises yingji.core.pdf.MissingFont: when the server has no Chinese font.
    """
    pdf = CjkPdf(f"依据 {c.STANDARD}；本作业票保存期限不少于1年")
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 11, f"{permit.get_work_type_display()}安全作业票", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 7, f"作业票编号：{permit.number}　　作业级别：{permit.level_label or '—'}　　"
                   f"状态：{permit.get_status_display()}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.table(col_widths=(30, 150), first_row_as_headings=False, line_height=6.5, text_align="LEFT") as table:
        for label, value in _rows(permit, detail):
            row = table.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(2)
    pdf.cell(0, 7, "气体分析", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.table(headings_style=heading_style(), line_height=6, text_align="LEFT") as table:
        head = table.row()
        for text in ("分析时间", "可燃气体 % vol", "氧气 % vol", "有毒物质 mg/m³", "分析人", "结论"):
            head.cell(text)
        for g in detail["gas_analyses"]:
            row = table.row()
            for text in (_when(g.sampled_at), "" if g.combustible_vol_pct is None else f"{g.combustible_vol_pct:g}",
                         "" if g.oxygen_vol_pct is None else f"{g.oxygen_vol_pct:g}",
                         "，".join(f"{t.get('name')} {t.get('value_mg_m3')}" for t in g.toxic), g.analyst,
                         "合格" if g.passed else "不合格"):
                row.cell(text)
    pdf.ln(2)
    pdf.cell(0, 7, "安全措施", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for i, (code, text) in enumerate(rules.checklist(c.WorkType(permit.work_type)), start=1):
        mark = "☑ 已确认" if permit.checklist.get(code) is True else "☐ 未确认"
        pdf.multi_cell(0, 5.5, f"{i}. {text}　{mark}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    with pdf.table(col_widths=(30, 150), first_row_as_headings=False, line_height=7, text_align="LEFT") as table:
        for a in detail["approvals"]:
            row = table.row()
            row.cell(f"{a['role_label']}意见")
            row.cell(f"{a['opinion']}\n签字：{a['approver']}　{_when(a['approved_at'])}")
        row = table.row()
        row.cell("完工验收")
        row.cell(f"{_when(permit.completed_at)}\n签字：")
    return bytes(pdf.output())
