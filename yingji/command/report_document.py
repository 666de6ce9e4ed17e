"""The after-action report (事件总结评估报告) as a Chinese PDF (fpdf2) and an editable Word document
(python-docx), from one plain data structure (pure: no Django).

Both documents carry the same sections: the incident, casualties and loss, the reporting deadlines, the
plan's tasks against their due times, the resources and their response times against the ETA, evacuation
and supplies, the timeline, lessons, and improvement items with owners and deadlines; a drill adds its
score. PDFs need a CJK font on the server (`yingji.core.pdf`), or ``font_path`` given by the caller.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import docx
from docx.shared import Pt
from fpdf.enums import XPos, YPos

from yingji.core.pdf import CJK_FONT_CANDIDATES, CjkPdf, MissingFont, find_cjk_font, heading_style

__all__ = ["CJK_FONT_CANDIDATES", "Improvement", "MissingFont", "ReportData", "Row", "find_cjk_font", "to_docx",
           "to_pdf"]

@dataclass(frozen=True)
class Row:
    """One table row: its cells as text."""

    cells: tuple[str, ...]


@dataclass(frozen=True)
class Improvement:
    item: str
    owner: str
    deadline: str
    status: str


@dataclass
class ReportData:
    """Everything the report says, already formatted as Chinese text."""

    title: str
    facts: list[tuple[str, str]]
    deadlines: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    dispatches: list[Row] = field(default_factory=list)
    resettlement: list[tuple[str, str]] = field(default_factory=list)
    timeline: list[Row] = field(default_factory=list)
    lessons: str = ""
    improvements: list[Improvement] = field(default_factory=list)
    drill: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""


DEADLINE_HEAD = ("报告对象", "时限", "应报时间", "实际报告", "结果")
TASK_HEAD = ("任务", "责任部门", "时限", "完成", "结果")
DISPATCH_HEAD = ("力量", "调派", "预计用时", "实际用时", "状态")
TIMELINE_HEAD = ("时间", "类型", "内容")
IMPROVEMENT_HEAD = ("改进事项", "责任单位/人", "完成期限", "状态")


def _sections(data: ReportData) -> list[tuple[str, Sequence[str] | None, list[tuple[str, ...]]]]:
    """(heading, table head or None for label/value pairs, rows) in report order; empty sections dropped."""
    sections: list[tuple[str, Sequence[str] | None, list[tuple[str, ...]]]] = [
        ("一、基本情况", None, [tuple(pair) for pair in data.facts]),
        ("二、信息报送时限", DEADLINE_HEAD, [r.cells for r in data.deadlines]),
        ("三、预案任务执行情况", TASK_HEAD, [r.cells for r in data.tasks]),
        ("四、力量调派与响应时间", DISPATCH_HEAD, [r.cells for r in data.dispatches]),
        ("五、疏散安置与物资保障", None, [tuple(pair) for pair in data.resettlement]),
        ("六、处置过程", TIMELINE_HEAD, [r.cells for r in data.timeline]),
        ("七、经验教训", None, [("", data.lessons or "（待填写）")]),
        ("八、整改措施", IMPROVEMENT_HEAD, [(i.item, i.owner, i.deadline, i.status) for i in data.improvements]),
    ]
    if data.drill:
        sections.append(("九、演练评分", None, [tuple(pair) for pair in data.drill]))
    return [s for s in sections if s[2]]


def to_pdf(data: ReportData, *, font_path: str | None = None) -> bytes:
    """The report as an A4 PDF; raises :class:`MissingFont` when no CJK font can be found."""
    pdf = CjkPdf(data.footer, font_path)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, data.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for heading, head, rows in _sections(data):
        pdf.ln(3)
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 8, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("cjk", size=9)
        if head is None:
            for label, value in rows:
                text = f"{label}：{value}" if label else value
                pdf.multi_cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        with pdf.table(headings_style=heading_style(), line_height=5.5, text_align="LEFT") as table:
            header = table.row()
            for cell in head:
                header.cell(cell)
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    return bytes(pdf.output())


def to_docx(data: ReportData) -> bytes:
    """The same report as an editable Word document (.docx)."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "宋体"
    document.add_heading(data.title, level=0)
    for heading, head, rows in _sections(data):
        document.add_heading(heading, level=1)
        if head is None:
            for label, value in rows:
                document.add_paragraph(f"{label}：{value}" if label else value)
            continue
        table = document.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = text
        for cells in rows:
            for cell, text in zip(table.add_row().cells, cells, strict=True):
                cell.text = text
    if data.footer:
        document.add_paragraph(data.footer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
