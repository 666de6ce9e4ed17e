"""yingji.core.tabular：流式表格导入 / 导出引擎测试（纯 Python，不依赖 Django）。"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from yingji.core import tabular as t
from yingji.core.credit_code import make_credit_code

HEADERS = ["统一社会信用代码", "企业名称", "从业人数", "成立日期", "联系电话"]
ROWS = [
    ["91350100M000100Y43", "福州示例化工有限公司", "120", "2020-03-05", "13800138000"],
    ["91110000600037341L", "北京应急物资储备站", "8", "2019/12/31", "010-12345678"],
]
COLUMNS = [
    t.Column("统一社会信用代码", "credit_code", t.credit_code(), True, ("credit_code",)),
    t.Column("企业名称", "name", t.text(50), True, ("name",)),
    t.Column("从业人数", "staff", t.integer(0, 100000), False, ("staff",)),
    t.Column("成立日期", "founded", t.date()),
    t.Column("联系电话", "phone", t.phone()),
]
PARSED = [
    (2, {"credit_code": "91350100M000100Y43", "name": "福州示例化工有限公司", "staff": 120,
         "founded": dt.date(2020, 3, 5), "phone": "13800138000"}),
    (3, {"credit_code": "91110000600037341L", "name": "北京应急物资储备站", "staff": 8,
         "founded": dt.date(2019, 12, 31), "phone": "010-12345678"}),
]


def csv_bytes(rows: list[list[str]], encoding: str, headers: list[str] = HEADERS) -> bytes:
    text = "\r\n".join(",".join(r) for r in [headers, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[Any]], headers: list[str] = HEADERS, *, title: str = "企业名单",
               merge: str | None = None, extra_sheets: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    for name in extra_sheets:
        wb.create_sheet(name).append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data: bytes, filename: str, **kw: Any) -> t.TableReader:
    return t.read_rows(io.BytesIO(data), filename, **kw)


def structural_error(data: bytes, filename: str, **kw: Any) -> t.TabularError:
    with pytest.raises(t.TabularError) as info:
        reader = read(data, filename, **kw)
        t.validate_table(reader, COLUMNS)
    return info.value


# --- 读取 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_encodings_give_identical_rows(encoding: str, detected: str) -> None:
    reader = read(csv_bytes(ROWS, encoding), "企业.csv")
    assert reader.encoding == detected
    assert reader.headers == HEADERS
    assert list(reader) == [(n, dict(zip(HEADERS, row, strict=True))) for n, row in zip((2, 3), ROWS, strict=True)]


def test_gbk_detected_even_when_first_64kb_is_ascii() -> None:
    ascii_rows = [[make_credit_code(f"91350100{i:09d}"), "abc", "1", "2020-01-01", "13800138000"]
                  for i in range(2000)]
    data = csv_bytes([*ascii_rows, ["91350100M000100Y43", "福州示例", "1", "2020-01-01", "13800138000"]], "gbk")
    assert len(data) > 64 * 1024
    reader = read(data, "a.csv")
    assert reader.encoding == "gb18030"
    last = list(reader)[-1]
    assert last[1]["企业名称"] == "福州示例"


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_xlsx_reading_converts_cells_to_text(engine: str) -> None:
    data = xlsx_bytes([
        ["91350100M000100Y43", "福州示例化工有限公司", 120, dt.datetime(2020, 3, 5), 13800138000],
        ["91110000600037341L", "北京应急物资储备站", 8.0, "2019/12/31", "010-12345678"],
        [None, None, None, None, None],  # 全空行被跳过
        ["91350100M000100Y43", "小数", 2.5, dt.datetime(2020, 3, 5, 8, 30), None],
    ])
    reader = read(data, "企业.xlsx", engine=engine)
    assert reader.sheet_name == "企业名单"
    rows = list(reader)
    assert [n for n, _ in rows] == [2, 3, 5]
    assert rows[0][1] == dict(zip(HEADERS, ROWS[0], strict=True))
    assert rows[1][1]["从业人数"] == "8"
    assert rows[2][1]["从业人数"] == "2.5"
    assert rows[2][1]["成立日期"] == "2020-03-05 08:30:00"
    assert rows[2][1]["联系电话"] == ""
    report = t.validate_table(read(data, "企业.xlsx", engine=engine), COLUMNS)
    assert report.rows[:2] == PARSED


def test_csv_and_xlsx_validate_to_same_values() -> None:
    from_csv = t.validate_table(read(csv_bytes(ROWS, "utf-8-sig"), "a.csv"), COLUMNS)
    from_xlsx = t.validate_table(read(xlsx_bytes(ROWS), "a.xlsx"), COLUMNS)
    assert from_csv.rows == from_xlsx.rows == PARSED


@pytest.mark.parametrize(
    ("filename", "sheet", "reason"),
    [
        ("a.xlsx", "Sheet9", "工作表“Sheet9”不存在，可用的工作表：企业名单、说明"),
        ("a.pdf", None, "不支持的文件类型 .pdf，请上传 .xlsx 或 .csv 文件"),
        ("a", None, "不支持的文件类型 （无扩展名），请上传 .xlsx 或 .csv 文件"),
    ],
)
def test_file_and_sheet_errors(filename: str, sheet: str | None, reason: str) -> None:
    err = structural_error(xlsx_bytes(ROWS, extra_sheets=("说明",)), filename, sheet=sheet)
    assert err.reason == reason


def test_sheet_selected_by_name() -> None:
    reader = read(xlsx_bytes(ROWS, extra_sheets=("说明",)), "a.xlsx", sheet="说明")
    assert reader.sheet_names == ["企业名单", "说明"]
    assert reader.headers == ["x"]


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
@pytest.mark.parametrize(
    ("merge", "reason"),
    [
        ("A1:B1", "表头行存在合并单元格（A1:B1），请取消合并，保证每列只有一个表头"),
        ("C1:C2", "表头行存在合并单元格（C1:C2），请取消合并，保证每列只有一个表头"),
    ],
)
def test_merged_header_cells_rejected(engine: str, merge: str, reason: str) -> None:
    err = structural_error(xlsx_bytes(ROWS, merge=merge), "a.xlsx", engine=engine)
    assert (err.row, err.reason) == (1, reason)


def test_merged_cells_below_header_are_allowed() -> None:
    reader = read(xlsx_bytes(ROWS, merge="A3:B3"), "a.xlsx", engine="openpyxl")
    assert reader.headers == HEADERS


@pytest.mark.parametrize(
    ("headers", "row", "column", "reason"),
    [
        (["统一社会信用代码", "", "企业名称"], 1, "B", "第 2 列（B 列）表头为空，请填写列名或删除该列"),
        (["企业名称", "统一社会信用代码", " 企业名称 "], 1, "企业名称",
         "表头“企业名称”重复（A 列与 C 列），每列表头必须唯一"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_and_duplicate_headers(headers: list[str], row: int, column: str, reason: str, fmt: str) -> None:
    rows = [["91350100M000100Y43", "x", "y"]]
    data = csv_bytes(rows, "utf-8", headers) if fmt == "csv" else xlsx_bytes(rows, headers)
    err = structural_error(data, f"a.{fmt}")
    assert (err.row, err.column, err.reason) == (row, column, reason)


def test_trailing_blank_headers_are_ignored() -> None:
    reader = read(csv_bytes([["1", "2", "", ""]], "utf-8", ["企业名称", "统一社会信用代码", "", ""]), "a.csv")
    assert reader.headers == ["企业名称", "统一社会信用代码"]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (["企业名称", "从业人数"], "缺少必填列：统一社会信用代码"),
        (["从业人数"], "缺少必填列：统一社会信用代码、企业名称"),
        (["统一社会信用代码", "credit_code", "企业名称"],
         "表头“统一社会信用代码”与“credit_code”都对应“统一社会信用代码”，请只保留一列"),
    ],
)
def test_missing_and_ambiguous_columns(headers: list[str], reason: str) -> None:
    err = structural_error(csv_bytes([["1"] * len(headers)], "utf-8", headers), "a.csv")
    assert err.reason == reason


def test_aliases_star_marks_and_fullwidth_headers_match() -> None:
    headers = ["credit_code", "*企业名称", "ＳＴＡＦＦ"]
    data = csv_bytes([["91350100M000100Y43", "示例", "3"]], "utf-8", headers)
    report = t.validate_table(read(data, "a.csv"), COLUMNS)
    assert report.ok
    assert report.matched == {"credit_code": "credit_code", "name": "*企业名称", "staff": "ＳＴＡＦＦ"}
    assert report.rows == [(2, {"credit_code": "91350100M000100Y43", "name": "示例", "staff": 3,
                                "founded": None, "phone": None})]


@pytest.mark.parametrize(
    ("data", "filename", "kw", "reason"),
    [
        (b"", "a.csv", {}, "文件为空"),
        (b"\r\n,,\r\n", "a.csv", {}, "文件为空：没有找到表头行"),
        (b"x" * 2000, "a.csv", {"max_bytes": 1000}, "文件过大，最大允许 0 MB，请拆分后分批导入"),
        (b"not a zip", "a.xlsx", {}, "不是有效的 .xlsx 文件（文件可能已损坏或已加密）"),
    ],
)
def test_file_level_errors(data: bytes, filename: str, kw: dict[str, Any], reason: str) -> None:
    assert structural_error(data, filename, **kw).reason == reason


# --- 单元格校验 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "column", "reason"),
    [
        ("100001", "从业人数", "数值 100001 超出范围，应在 0 到 100000 之间"),
        ("-5", "从业人数", "数值不能为负数（当前为 -5）"),
        ("12.5", "从业人数", "“12.5”不是整数"),
        ("很多", "从业人数", "“很多”不是有效的整数"),
        ("2020-02-30", "成立日期", "日期“2020-02-30”不存在"),
        ("下周", "成立日期", "“下周”不是有效日期，应为 YYYY-MM-DD 或 YYYY/MM/DD 格式"),
        ("12345", "联系电话", "电话“12345”格式无效，应为 11 位手机号或带区号的固定电话（如 010-12345678）"),
    ],
)
def test_out_of_range_and_bad_cells_report_row_column_message(cell: str, column: str, reason: str) -> None:
    row = dict(zip(HEADERS, ROWS[1], strict=True))
    row[column] = cell
    data = csv_bytes([ROWS[0], list(row.values())], "gbk")
    report = t.validate_table(read(data, "a.csv"), COLUMNS)
    assert (report.total_rows, report.valid_rows, report.error_count) == (2, 1, 1)
    assert report.errors == [t.RowError(3, column, cell, reason, COLUMNS[HEADERS.index(column)].field)]
    assert report.errors[0].message == f"第 3 行“{column}”列：{reason}"
    assert report.rows == PARSED[:1]


def test_required_blank_and_optional_blank() -> None:
    data = csv_bytes([["91350100M000100Y43", "  ", "", "", ""]], "utf-8")
    report = t.validate_table(read(data, "a.csv"), COLUMNS)
    assert report.errors == [t.RowError(2, "企业名称", "  ", "不能为空（必填）", "name")]


def test_row_validator_and_error_cap() -> None:
    seen: set[str] = set()

    def unique_code(values: dict[str, Any]) -> list[tuple[t.Column | str | None, str]]:
        code = values["credit_code"]
        if code in seen:
            return [("credit_code", f"统一社会信用代码 {code} 在文件中重复")]
        seen.add(code)
        return []

    data = csv_bytes([ROWS[0]] * 5, "utf-8")
    report = t.validate_table(read(data, "a.csv"), COLUMNS, row_validator=unique_code, max_errors=2)
    assert (report.total_rows, report.valid_rows, report.error_count) == (5, 1, 4)
    assert len(report.errors) == 2 and report.omitted_errors == 2
    assert report.errors[0] == t.RowError(
        3, "统一社会信用代码", "91350100M000100Y43", "统一社会信用代码 91350100M000100Y43 在文件中重复", "credit_code")
    assert report.summary() == "共 5 行，有效 1 行，4 行有错误，共 4 处（仅列出前 2 处）"


def test_20000_row_csv_streams_without_keeping_rows() -> None:
    n = 20_000
    rows = [[make_credit_code(f"91350100{i:09d}"), f"企业{i}", str(i % 200_000), "2021-06-01", "13800138000"]
            for i in range(n)]
    data = csv_bytes(rows, "gbk")
    progress: list[int] = []
    valid_numbers: list[int] = []
    reader = read(data, "big.csv")
    report = t.validate_table(reader, COLUMNS, keep_rows=False, progress=progress.append,
                              on_valid_row=lambda number, values: valid_numbers.append(number))
    # i % 200000 > 100000 never happens for i < 20000, so exactly the rows ≥ 100001 would fail; none here
    assert (report.total_rows, report.valid_rows, report.error_count) == (n, n, 0)
    assert report.rows == []
    assert progress[0] == 1000 and progress[-1] == n and len(progress) == 20
    assert valid_numbers[0] == 2 and valid_numbers[-1] == n + 1
    # 第二遍（写库）：同一个 reader 可以重新流式读取
    second = [number for number, _ in t.iter_valid_rows(reader, COLUMNS)]
    assert second == valid_numbers


# --- 解析器 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "raw", "expected"),
    [
        (t.text(5), " 应急 ", "应急"),
        (t.integer(), "1,200", 1200),
        (t.integer(), "12.0", 12),
        (t.decimal(0, 10, max_places=2), "3.14", Decimal("3.14")),
        (t.floating(0), "2.5", 2.5),
        (t.non_negative(integer_only=True), "0", 0),
        (t.choice({"一级": 1, "1": 1, "二级": 2}), "一级", 1),
        (t.choice({"一级": 1, "Major": 2}), "major", 2),
        (t.yes_no(), "是", True),
        (t.date(), "2024年1月5日", dt.date(2024, 1, 5)),
        (t.date(), "2024/01/05", dt.date(2024, 1, 5)),
        (t.date(), "2024-1-5", dt.date(2024, 1, 5)),
        (t.date(), "45296", dt.date(2024, 1, 5)),  # Excel 序列号
        (t.date(), "2024-01-05 00:00:00", dt.date(2024, 1, 5)),  # datetime 单元格
        (t.phone(), "+86 138 0013 8000", "13800138000"),
        (t.phone(), "(0755)87654321", "0755-87654321"),
        (t.phone(), "021-12345678转123", "021-12345678-123"),
        (t.longitude(), "116.397", 116.397),
        (t.latitude(), "39.9", 39.9),
        (t.credit_code(), "91350100m000100y43", "91350100M000100Y43"),
    ],
)
def test_parsers_accept(parser: t.Parser, raw: str, expected: Any) -> None:
    assert parser(raw) == expected


@pytest.mark.parametrize(
    ("parser", "raw", "message"),
    [
        (t.text(5), "应急管理局局长", "长度不能超过 5 个字符（当前 7 个）"),
        (t.integer(1, None), "0", "数值 0 不能小于 1"),
        (t.integer(None, 10), "11", "数值 11 不能大于 10"),
        (t.decimal(0, 10, max_places=2), "3.141", "小数位数不能超过 2 位"),
        (t.decimal(), "NaN", "“NaN”不是有效的数字"),
        (t.floating(0, 1), "inf", "“inf”不是有效的数字"),
        (t.non_negative(), "-0.5", "数值不能为负数（当前为 -0.5）"),
        (t.choice({"一级": 1, "二级": 2}, what="风险等级"), "三级", "“三级”不是有效的风险等级，可选：一级、二级"),
        (t.date(), "2024", "“2024”不是有效日期，应为 YYYY-MM-DD 或 YYYY/MM/DD 格式"),
        (t.date(min_date=dt.date(2000, 1, 1)), "1999-12-31", "日期 1999-12-31 不能早于 2000-01-01"),
        (t.phone(), "010-1234567", "电话“010-1234567”格式无效，应为 11 位手机号或带区号的固定电话（如 010-12345678）"),
        (t.longitude(), "39.9", "经度 39.9 超出中国范围（73.4–135.1）（疑似与纬度填反）"),
        (t.latitude(), "95", "纬度 95 超出中国范围（3.8–53.6）（疑似与经度填反）"),
        (t.latitude(), "60", "纬度 60 超出中国范围（3.8–53.6）"),
        (t.latitude(), "北纬39", "纬度“北纬39”不是有效数字（应为十进制度数，如 116.397）"),
        (t.credit_code(), "91350100M000100Y44", "校验码错误：第 18 位应为“3”，实际为“4”"),
    ],
)
def test_parsers_reject_with_chinese_message(parser: t.Parser, raw: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parser(raw)
    assert str(info.value) == message


# --- 导出 -------------------------------------------------------------------


EXPORT_ROWS: list[list[Any]] = [
    ["福州示例", 120, Decimal("1E+2"), dt.date(2024, 1, 5), True, None],
    ["=HYPERLINK(\"http://x\")", -3, Decimal("2.50"), dt.datetime(2024, 1, 5, 8, 30), False, "备注"],
]
EXPORT_HEADERS = ["名称", "人数", "储量", "日期", "在用", "备注"]


def test_write_csv_is_utf8_bom_and_round_trips() -> None:
    out = io.BytesIO()
    assert t.write_csv(EXPORT_ROWS, EXPORT_HEADERS, out) == 2
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        EXPORT_HEADERS,
        ["福州示例", "120", "100", "2024-01-05", "是", ""],
        ["'=HYPERLINK(\"http://x\")", "-3", "2.50", "2024-01-05 08:30:00", "否", "备注"],  # 公式被转义
    ]
    # 导出的文件可以被导入引擎原样读回
    assert read(data, "back.csv").headers == EXPORT_HEADERS


def test_write_xlsx_write_only_round_trip() -> None:
    out = io.BytesIO()
    assert t.write_xlsx(EXPORT_ROWS, EXPORT_HEADERS, out, sheet_title="企业/名单") == 2
    out.seek(0)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "企业_名单"
    assert ws.freeze_panes == "A2"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == EXPORT_HEADERS
    assert values[1] == ["福州示例", 120, 100, dt.datetime(2024, 1, 5), True, None]
    assert ws["A3"].value == "=HYPERLINK(\"http://x\")" and ws["A3"].data_type == "s"  # 文本而非公式
    reader = read(out.getvalue(), "back.xlsx")
    assert [v for _, v in reader][0]["日期"] == "2024-01-05"


def test_write_geojson_streams_feature_collection() -> None:
    out = io.BytesIO()
    features = [({"名称": "避难场所", "启用": dt.date(2024, 1, 5), "容量": Decimal("300")}, 116.397, 39.9),
                ({"名称": "无坐标"}, None, None)]
    assert t.write_geojson(iter(features), out) == 2
    doc = json.loads(out.getvalue().decode("utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["features"][0] == {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.397, 39.9]},
                                  "properties": {"名称": "避难场所", "启用": "2024-01-05", "容量": 300.0}}
    assert doc["features"][1]["geometry"] is None


def test_error_report_csv() -> None:
    report = t.validate_table(read(csv_bytes([["91350100M000100Y44", "x", "1", "", ""]], "utf-8"), "a.csv"), COLUMNS)
    out = io.BytesIO()
    t.write_error_report(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows == [["行号", "列", "原值", "错误原因"],
                    ["2", "统一社会信用代码", "91350100M000100Y44", "校验码错误：第 18 位应为“3”，实际为“4”"]]
