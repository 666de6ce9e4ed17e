"""一张表: a filtered list and its export, the entry form's field errors, and an import with an error report."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from yingji.registry.models import Enterprise, Shelter

from .conftest import screenshot, wait_js
from .data import credit_code

pytestmark = pytest.mark.browser


def test_filtered_list_and_its_csv_export(officer_page: Any, live_server: Any, data: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/registry/enterprises/")
    assert page.locator("table.data tbody tr").count() == 4
    page.select_option("#f-industry", "chemical")
    page.select_option("#f-area", "211122001")  # 太平街道
    page.click("#list-filters button[type=submit]")
    page.wait_for_url("**industry=chemical**")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "盘山县甲化工有限公司" in rows.first.inner_text()
    # Sorting keeps the filters.
    page.click("table.data th a:has-text('企业名称')")
    page.wait_for_url("**sort=name**")
    assert "industry=chemical" in page.url and page.locator("table.data tbody tr").count() == 1
    screenshot(page, "list_filtered")

    with page.expect_download() as download_info:
        page.click("a[data-export=csv]")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["企业名称"] for r in table] == ["盘山县甲化工有限公司"]
    assert table[0]["行业"] == "危险化学品"


def test_entry_form_shows_field_errors_from_the_service(officer_page: Any, live_server: Any, data: Any) -> None:
    page = officer_page
    page.goto(f"{live_server.url}/registry/shelters/new/")
    page.fill("#id_name", "测试避难场所")
    page.fill("#id_capacity", "100")
    page.fill("#id_occupancy", "150")
    page.click("form.card button[type=submit]")
    error = page.locator("[data-field=occupancy] .field-error")
    assert "超过容纳人数" in error.inner_text()
    assert not Shelter.objects.filter(name="测试避难场所").exists()
    screenshot(page, "form_errors", full_page=True)

    page.fill("#id_occupancy", "20")
    page.select_option("#id_admin_area", label="太平街道")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/registry/shelters/*/")
    assert page.locator("h1").inner_text() == "测试避难场所"
    assert page.locator("#minimap").count() == 0  # no coordinates were given
    assert Shelter.objects.get(name="测试避难场所").occupancy == 20


def test_import_with_a_bad_credit_code_reports_it_and_writes_nothing(
    officer_page: Any, live_server: Any, data: Any, tmp_path: Path
) -> None:
    page = officer_page
    before = Enterprise.objects.count()
    bad = credit_code(77)[:-1] + ("0" if credit_code(77)[-1] != "0" else "1")  # wrong check character
    sheet = (
        "企业名称,统一社会信用代码,行业,所在乡镇/村,经度,纬度\r\n"
        f"盘山县新一化工有限公司,{credit_code(70)},危险化学品,太平街道,122.03,41.24\r\n"
        f"盘山县新二化工有限公司,{bad},危险化学品,太平街道,122.04,41.25\r\n"
    )
    upload = tmp_path / "企业导入.csv"
    upload.write_bytes(sheet.encode("gbk"))

    page.goto(f"{live_server.url}/registry/enterprises/import/")
    page.set_input_files("#id_file", str(upload))
    page.click("button[name=do_import]")
    page.wait_for_url("**job=**")
    wait_js(page, "document.querySelector('[data-testid=import-message]') !== null")
    message = page.locator("[data-testid=import-message]").inner_text()
    assert "未写入任何数据" in message
    errors = page.locator("[data-testid=import-errors] tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "3"
    assert cells[1] == "统一社会信用代码"
    assert cells[2] == bad
    assert cells[3]  # the reason, in Chinese
    assert Enterprise.objects.count() == before
    screenshot(page, "import_errors", full_page=True)

    # Importing only the valid rows writes the good one.
    page.set_input_files("#id_file", str(upload))
    page.check("#id_valid_rows_only")
    page.click("button[name=do_import]")
    wait_js(page, "document.querySelector('[data-testid=import-message]') !== null")
    assert "已导入 1 行" in page.locator("[data-testid=import-message]").inner_text()
    assert Enterprise.objects.filter(name="盘山县新一化工有限公司").exists()
    assert not Enterprise.objects.filter(name="盘山县新二化工有限公司").exists()
