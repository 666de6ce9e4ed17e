"""Imports through POST /api/v1/registry/<slug>/import, and exports of filtered lists."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from yingji.core.geo import wgs84_to_gcj02
from yingji.core.models import AuditEvent
from yingji.registry.models import Enterprise, Shelter, StockItem, Vehicle

API = "/api/v1/registry"
HEADER = ["企业名称", "统一社会信用代码", "行业", "所在乡镇/村", "经度", "纬度", "从业人数"]


def code(n: int) -> str:
    return factories.credit_code(900 + n)


def enterprise_rows(n: int = 3, area: str = "太平街道") -> list[list[str]]:
    return [[f"导入企业{i}", code(i), "危险化学品", area, "122.03", "41.24", "10"] for i in range(n)]


def as_csv(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue().encode(encoding)


def as_xlsx(rows: list[list[Any]], header: list[str] = HEADER, sheet: str = "企业名单",
            merge: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.create_sheet("说明").append(["这是说明页"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client: Any, slug: str, content: bytes, name: str = "data.csv", **form: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content), "dry_run": "false", **form}
    response = client.post(f"{API}/{slug}/import", data)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def admin(people: Any, client_for: Any) -> Any:
    return client_for(people.admin)


@pytest.fixture
def imported() -> Any:
    return Enterprise.objects.filter(name__startswith="导入企业")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding(encoding: str, admin: Any, imported: Any, taiping: Any) -> None:
    report = upload(admin, "enterprises", as_csv(enterprise_rows(), encoding=encoding))
    assert (report["written"], report["error_count"]) == (3, 0), report
    assert imported.count() == 3
    first = imported.get(name="导入企业0")
    assert (first.admin_area_id, first.industry, first.employees) == (taiping.pk, "chemical", 10)
    assert AuditEvent.objects.filter(action="import", object_type="registry.enterprise").exists()


def test_xlsx_with_sheet_choice(admin: Any, imported: Any) -> None:
    report = upload(admin, "enterprises", as_xlsx(enterprise_rows(2)), name="企业.xlsx", sheet="企业名单")
    assert report["written"] == 2 and imported.count() == 2


def test_wrong_sheet_is_reported(admin: Any, imported: Any) -> None:
    report = upload(admin, "enterprises", as_xlsx(enterprise_rows(2)), name="企业.xlsx", sheet="不存在的表")
    assert report["written"] == 0 and imported.count() == 0
    assert "不存在" in report["errors"][0]["reason"] and "企业名单" in report["errors"][0]["reason"]


def test_merged_header_cells_are_reported(admin: Any, imported: Any) -> None:
    report = upload(admin, "enterprises", as_xlsx(enterprise_rows(2), merge="A1:B1"), name="企业.xlsx")
    assert report["written"] == 0 and imported.count() == 0
    assert "合并单元格" in report["errors"][0]["reason"]


def test_missing_required_column(admin: Any, imported: Any) -> None:
    rows = [[r[0], *r[2:]] for r in enterprise_rows(2)]
    report = upload(admin, "enterprises", as_csv(rows, header=[HEADER[0], *HEADER[2:]]))
    assert report["written"] == 0 and imported.count() == 0
    assert "缺少必填列" in report["errors"][0]["reason"] and "统一社会信用代码" in report["errors"][0]["reason"]


def test_dry_run_writes_nothing(admin: Any, imported: Any) -> None:
    audit_before = AuditEvent.objects.count()
    report = upload(admin, "enterprises", as_csv(enterprise_rows()), dry_run="true")
    assert report["dry_run"] and report["valid_rows"] == 3 and report["written"] == 0
    assert imported.count() == 0 and AuditEvent.objects.count() == audit_before


def test_one_bad_row_blocks_the_file_unless_valid_rows_only(admin: Any, imported: Any) -> None:
    rows = enterprise_rows(3)
    rows[1][1] = code(1)[:17] + ("0" if code(1)[17] != "0" else "1")  # wrong check character
    report = upload(admin, "enterprises", as_csv(rows))
    assert (report["written"], report["valid_rows"], report["error_count"]) == (0, 2, 1)
    assert imported.count() == 0
    error = report["errors"][0]
    assert error["row"] == 3 and error["column"] == "统一社会信用代码" and error["value"] == rows[1][1]
    assert "校验码" in error["reason"]
    report = upload(admin, "enterprises", as_csv(rows), valid_rows_only="true")
    assert report["written"] == 2
    assert set(imported.values_list("name", flat=True)) == {"导入企业0", "导入企业2"}


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("所在乡镇/村", "火星镇", "未知的乡镇"),
    ("经度", "41.24", "超出中国范围"),
    ("经度", "2.35", "超出中国范围"),
    ("从业人数", "-3", "负数"),
    ("从业人数", "很多", "不是有效"),
    ("行业", "航天", "不是有效的行业"),
])
def test_bad_cells_are_reported_in_chinese(column: str, value: str, reason: str, admin: Any, imported: Any) -> None:
    rows = enterprise_rows(2)
    rows[0][HEADER.index(column)] = value
    report = upload(admin, "enterprises", as_csv(rows))
    assert report["written"] == 0 and imported.count() == 0
    error = report["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (2, column, value), error
    assert reason in error["reason"], error


def test_duplicate_codes_inside_the_file_and_against_the_database(admin: Any, imported: Any,
                                                                  enterprise_a: Any) -> None:
    rows = enterprise_rows(3)
    rows[2][1] = rows[0][1]  # repeats row 2
    rows[1][1] = enterprise_a.credit_code  # already registered
    report = upload(admin, "enterprises", as_csv(rows))
    reasons = {e["row"]: e["reason"] for e in report["errors"]}
    assert "已登记" in reasons[3] and "重复" in reasons[4]
    assert report["written"] == 0 and imported.count() == 0


def test_gcj02_coordinates_are_converted(admin: Any) -> None:
    lon, lat = 122.03, 41.24
    glon, glat = wgs84_to_gcj02(lon, lat)
    header = ["避难场所名称", "容纳人数", "经度", "纬度"]
    report = upload(admin, "shelters", as_csv([["坐标场所", "100", f"{glon:.7f}", f"{glat:.7f}"]], header=header),
                    crs="gcj02")
    assert report["written"] == 1, report
    shelter = Shelter.objects.get(name="坐标场所")
    assert abs(shelter.longitude - lon) < 1e-5 and abs(shelter.latitude - lat) < 1e-5


def test_oversized_upload_is_refused(admin: Any, imported: Any, settings: Any) -> None:
    settings.YINGJI_IMPORT_MAX_BYTES = 200
    report = upload(admin, "enterprises", as_csv(enterprise_rows(10)))
    assert report["written"] == 0 and imported.count() == 0
    assert "文件过大" in report["errors"][0]["reason"]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("data.pdf", b"%PDF-1.4", "不支持的文件类型"),
    ("data.xlsx", b"not a zip", "不是有效的 .xlsx"),
    ("data.csv", b"", "为空"),
])
def test_unreadable_files(name: str, content: bytes, reason: str, admin: Any) -> None:
    response = admin.post(f"{API}/enterprises/import", {"file": SimpleUploadedFile(name, content),
                                                        "dry_run": "false"})
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert reason in response.json()["errors"][0]["reason"]


def test_enterprise_officer_cannot_import_for_another_enterprise(people: Any, enterprise_b: Any,
                                                                 client_for: Any) -> None:
    client = client_for(people.officer_a)
    header = ["车牌号", "车辆类型", "所属企业"]
    from yingji.registry.choices import VehicleType

    kind = VehicleType.labels[0]
    report = upload(client, "vehicles", as_csv([["辽L7A001", kind, enterprise_b.name]], header=header))
    assert report["written"] == 0 and not Vehicle.objects.filter(plate="辽L7A001").exists()
    assert "权限" in report["errors"][0]["reason"]
    own = upload(client, "vehicles", as_csv([["辽L7A002", kind, ""]], header=header))
    assert own["written"] == 1
    assert Vehicle.objects.get(plate="辽L7A002").enterprise_id == people.officer_a.enterprise_id


def test_enterprise_officer_cannot_import_stock_into_another_enterprises_warehouse(
        people: Any, enterprise_a: Any, enterprise_b: Any, client_for: Any) -> None:
    factories.WarehouseFactory(name="乙公司仓库", enterprise=enterprise_b)
    factories.WarehouseFactory(name="甲公司仓库", enterprise=enterprise_a)
    from yingji.registry.choices import StockCategory

    header = ["仓库", "物资名称", "类别", "数量", "单位"]
    client = client_for(people.officer_a)
    theirs = upload(client, "stock-items", as_csv([["乙公司仓库", "沙袋", StockCategory.labels[0], "10", "袋"]],
                                                   header=header))
    assert theirs["written"] == 0 and not StockItem.objects.filter(warehouse__name="乙公司仓库").exists()
    mine = upload(client, "stock-items", as_csv([["甲公司仓库", "沙袋", StockCategory.labels[0], "10", "袋"]],
                                                 header=header))
    assert mine["written"] == 1


def test_enterprise_officer_cannot_import_new_enterprises(people: Any, client_for: Any, imported: Any) -> None:
    report = upload(client_for(people.officer_a), "enterprises", as_csv(enterprise_rows(1)))
    assert report["written"] == 0 and imported.count() == 0


def test_township_officer_imports_only_into_its_area(people: Any, client_for: Any) -> None:
    header = ["避难场所名称", "容纳人数", "所在乡镇/村"]
    client = client_for(people.township_taiping)
    report = upload(client, "shelters", as_csv([["本镇场所", "10", "太平街道"], ["外镇场所", "10", "高升街道"]],
                                                header=header))
    assert report["written"] == 0 and report["error_count"] == 1
    assert report["errors"][0]["row"] == 3


def test_auditor_cannot_import(people: Any, client_for: Any, imported: Any) -> None:
    response = client_for(people.auditor).post(
        f"{API}/enterprises/import", {"file": SimpleUploadedFile("a.csv", as_csv(enterprise_rows(1))),
                                      "dry_run": "false"})
    assert response.status_code in (200, 403)
    assert imported.count() == 0


# --- exports of filtered lists ---------------------------------------------------------------------
@pytest.fixture
def mixed(taiping: Any, gaosheng: Any) -> dict[str, list[Any]]:
    chemical = [factories.EnterpriseFactory(industry="chemical", admin_area=taiping) for _ in range(3)]
    trade = [factories.EnterpriseFactory(industry="trade", admin_area=gaosheng, longitude=gaosheng.longitude,
                                         latitude=gaosheng.latitude) for _ in range(2)]
    return {"chemical": chemical, "trade": trade}


def _export(client: Any, fmt: str, **params: str) -> bytes:
    response = client.get(f"{API}/enterprises/export", {"format": fmt, **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("params", [{"industry": "chemical"}, {"industry": "trade"}, {"area": "211122002"},
                                    {"q": "测试企业"}])
def test_exports_contain_exactly_the_filtered_rows(params: dict[str, str], mixed: Any, admin: Any) -> None:
    expected = {item["credit_code"] for item in admin.get(f"{API}/enterprises", {**params, "limit": 1000})
                .json()["items"]}
    assert expected
    code_col = "统一社会信用代码"
    rows = list(csv.DictReader(io.StringIO(_export(admin, "csv", **params).decode("utf-8-sig"))))
    assert {r[code_col] for r in rows} == expected and len(rows) == len(expected)
    sheet = openpyxl.load_workbook(io.BytesIO(_export(admin, "xlsx", **params)), read_only=True).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    idx = table[0].index(code_col)
    assert {r[idx] for r in table[1:]} == expected and len(table) - 1 == len(expected)
    features = json.loads(_export(admin, "geojson", **params))["features"]
    assert {f["properties"]["credit_code"] for f in features} == expected
    assert all(f["geometry"]["type"] == "Point" for f in features)


def test_export_is_audited(mixed: Any, admin: Any) -> None:
    _export(admin, "csv", industry="trade")
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.after == {"filters": {"format": "csv", "industry": "trade"}}


def test_export_roundtrips_through_import(mixed: Any, admin: Any) -> None:
    """An exported xlsx is a valid import file (after the originals are gone)."""
    body = _export(admin, "xlsx", industry="trade")
    codes = [e.credit_code for e in mixed["trade"]]
    Enterprise.objects.filter(credit_code__in=codes).delete()
    report = upload(admin, "enterprises", body, name="export.xlsx")
    assert report["written"] == 2, report
    assert Enterprise.objects.filter(credit_code__in=codes).count() == 2
