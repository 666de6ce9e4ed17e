"""Excel import of units and inventories: a dry-run report with row numbers and Chinese reasons, then the write."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from yingji.hazmat.models import HazardUnit, Tank

URL = "/api/v1/hazmat/units/import"
HEADERS = ["统一社会信用代码", "单元名称", "单元类型", "边界500m内人数", "危险化学品", "最大存在量（t）", "危险性类别",
           "储罐位号", "容积（m³）"]


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "单元.xlsx"
    return out


def _post(client: Any, rows: list[list[Any]], dry_run: bool) -> dict[str, Any]:
    response = client.post(URL, {"file": _xlsx(rows), "dry_run": "true" if dry_run else "false"})
    assert response.status_code == 200, response.content
    return response.json()


def test_dry_run_reports_every_row(people: Any, enterprise_a: Any, enterprise_b: Any, client_for: Any) -> None:
    a = enterprise_a.credit_code
    report = _post(client_for(people.officer_a), [
        [a, "液氯罐区", "储存单元", 120, "液氯", 20, None, "T-101", 15],   # row 2: fine
        [a, "液氯罐区", "储存单元", 120, "某溶剂", 5, None, None, None],   # row 3: unknown chemical
        [a, "原油罐区", "储存单元", 10, "原油", 3000, None, None, None],   # row 4: category required
        [a, "原油罐区", "储存单元", 10, "柴油", -5, None, None, None],     # row 5: negative quantity
        ["91110000600037341L", "某罐区", "储存单元", 0, "氨", 1, None, None, None],  # row 6: not registered
        [a, "液氯罐区", "储存单元", 120, "7782-50-5", 1, None, None, None],  # row 7: graded with row 3
        [enterprise_b.credit_code, "乙罐区", "储存单元", 0, "氨", 1, None, None, None],  # row 8: B, out of scope
        [a, "液氯罐区", "生产单元", 120, "氨", 1, None, None, None],   # row 9: kind differs within the unit
    ], dry_run=True)
    assert report["ok"] is False and report["written"] is False and report["total_rows"] == 8
    by_row = {e["row"]: e["message"] for e in report["errors"]}
    assert sorted(by_row) == [3, 4, 5, 6, 8, 9], report["errors"]
    assert "未知危险化学品“某溶剂”" in by_row[3]
    assert "需要填写危险性类别" in by_row[4]
    assert by_row[5] == "第 5 行“最大存在量（t）”列：数值不能为负数（当前为 -5）"
    assert "未在平台登记" in by_row[6]
    assert "超出您的数据权限范围" in by_row[8]
    assert "类型不一致" in by_row[9]
    assert not HazardUnit.objects.exists()


def test_duplicate_substance_in_a_unit(people: Any, enterprise_a: Any, client_for: Any) -> None:
    a = enterprise_a.credit_code
    report = _post(client_for(people.officer_a), [[a, "液氯罐区", "储存单元", 120, "液氯", 20, None, None, None],
                                                  [a, "液氯罐区", "储存单元", 120, "7782-50-5", 1, None, None, None]],
                   dry_run=True)
    assert [(e["row"], "重复" in e["message"]) for e in report["errors"]] == [(3, True)]


def test_import_writes_units_graded_and_tanks(people: Any, enterprise_a: Any, client_for: Any) -> None:
    a = enterprise_a.credit_code
    rows = [[a, "液氯罐区", "储存单元", 120, "液氯", 20, None, "T-101", 15],
            [a, "原油罐区", "储存单元", 0, "原油", 3000, "W5.3", None, None]]
    client = client_for(people.officer_a)
    dry = _post(client, rows, dry_run=True)
    assert (dry["ok"], dry["written"], dry["units"]) == (True, False, 2)
    assert not HazardUnit.objects.exists()
    done = _post(client, rows, dry_run=False)
    assert done["written"] is True
    chlorine = HazardUnit.objects.get(name="液氯罐区")
    # 20/5 = 4 ≥ 1; R = 2 × 4 × 4 = 32 → 三级
    assert (chlorine.s, chlorine.r, chlorine.grade, chlorine.enterprise_id) == (4, 32, 3, enterprise_a.pk)
    assert Tank.objects.get(unit=chlorine).medium == "氯"
    crude = HazardUnit.objects.get(name="原油罐区")
    assert (crude.s, crude.is_major_hazard) == (3, True)
    again = _post(client, [[a, "液氯罐区", "储存单元", 120, "液氯", 2, None, None, None]], dry_run=False)
    assert again["written"] is True
    chlorine.refresh_from_db()
    assert (chlorine.s, chlorine.is_major_hazard) == (0.4, False)  # the inventory was replaced, regraded


def test_the_import_page_checks_then_writes(people: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    page = client.get("/hazmat/import/")
    assert page.status_code == 200 and "统一社会信用代码" in page.content.decode()
    rows = [[enterprise_a.credit_code, "液氯罐区", "储存单元", 120, "液氯", 20, None, "T-101", 15]]
    checked = client.post("/hazmat/import/", {"file": _xlsx(rows), "dry_run": "on"}).content.decode()
    assert "试运行通过" in checked and not HazardUnit.objects.exists()
    bad = client.post("/hazmat/import/", {"file": _xlsx([[*rows[0][:5], -5, *rows[0][6:]]])}).content.decode()
    assert "发现错误，未写入任何数据" in bad and not HazardUnit.objects.exists()
    written = client.post("/hazmat/import/", {"file": _xlsx(rows)}).content.decode()
    assert "已导入" in written
    unit = HazardUnit.objects.get(name="液氯罐区")
    assert unit.is_major_hazard  # 20 t of chlorine ≥ Q = 5 t
    assert "请选择" in client.post("/hazmat/import/", {}).content.decode()
