# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""Risk points: graded by LEC or LS with the county's bands, regraded when the bands change, imported from
Excel, exported, drawn on the risk map; bad factors are refused naming the field."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest

from tests.integration.prevention_support import API, JSON, messages, paying, post  # noqa: F401 - fixture
from yingji.core.models import AuditEvent
from yingji.prevention.constants import PreventionAudit
from yingji.prevention.grading import assess
from yingji.prevention.models import RiskPoint
from yingji.prevention.services import risks

LEC = {"unit_place": "液氯储罐区", "name": "液氯泄漏", "hazard_description": "储罐、管线泄漏致中毒",
       "method": "lec", "likelihood": 3, "exposure": 6, "consequence": 15, "responsible_person": "王工"}


def test_lec_point_is_graded_and_placed_at_its_enterprise(paying: Any, enterprise_a: Any,
                                                          client_for: Any) -> None:
    response = post(client_for(paying.officer_a), "/risk-points", LEC)
    assert response.status_code == 201, response.content
    body = response.json()
    # D = 3 × 6 × 15 = 270: 160 < D ≤ 320 → 较大风险 (orange)
    assert (body["value"], body["level"], body["level_label"]) == (270.0, "orange", "较大风险")
    assert body["working"] == "D = L×E×C = 3×6×15 = 270 → 较大风险（橙）"
    assert body["enterprise_id"] == enterprise_a.pk
    assert (body["longitude"], body["latitude"]) == (enterprise_a.longitude, enterprise_a.latitude)


@pytest.mark.parametrize(("factors", "value", "level"), [
    ({"likelihood": 4, "severity": 5}, 20, "red"),
    ({"likelihood": 3, "severity": 3}, 9, "orange"),
    ({"likelihood": 2, "severity": 4}, 8, "yellow"),
    ({"likelihood": 1, "severity": 3}, 3, "blue"),
])
def test_ls_points(factors: dict[str, int], value: int, level: str, paying: Any, client_for: Any) -> None:
    body = {**LEC, "method": "ls", "exposure": None, "consequence": None, **factors}
    response = post(client_for(paying.officer_a), "/risk-points", body)
    assert response.status_code == 201, response.content
    assert (response.json()["value"], response.json()["level"]) == (value, level)


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"likelihood": -3}, "likelihood", "不能为负数"),
    ({"consequence": 50}, "consequence", "不在取值表中"),
    ({"exposure": None}, "exposure", "必填"),
    ({"severity": 3}, "severity", "LEC 法不使用"),
    ({"method": "abc"}, "method", "只能是"),
])
def test_bad_factors_are_refused_and_nothing_is_written(change: dict[str, Any], field: str, words: str,
                                                        paying: Any, client_for: Any) -> None:
    response = post(client_for(paying.officer_a), "/risk-points", {**LEC, **change})
    assert response.status_code == 422, response.content
    assert words in messages(response)[field]
    assert not RiskPoint.objects.exists()


def test_nan_factor_is_refused(paying: Any, client_for: Any) -> None:
    raw = json.dumps({**LEC, "likelihood": float("nan")})  # json writes the NaN literal
    response = client_for(paying.officer_a).post(f"{API}/risk-points", raw, content_type=JSON)
    assert response.status_code == 422, response.content
    assert "有限数字" in messages(response)["likelihood"]
    assert not RiskPoint.objects.exists()


def test_changing_the_bands_regrades_every_point_and_is_audited(paying: Any, client_for: Any) -> None:
    officer = client_for(paying.officer_a)
    created = post(officer, "/risk-points", LEC).json()
    bands = {"lec_red": 240, "lec_orange": 160, "lec_yellow": 70, "lec_lower_inclusive": False, "ls_red": 20,
             "ls_orange": 9, "ls_yellow": 4, "ls_lower_inclusive": True, "source": "某省 2026 年规定"}
    assert officer.put(f"{API}/matrix", bands, content_type=JSON).status_code == 403
    response = client_for(paying.admin).put(f"{API}/matrix", bands, content_type=JSON)
    assert response.status_code == 200, response.content
    assert officer.get(f"{API}/risk-points/{created['id']}").json()["level"] == "red"  # 270 > 240
    event = AuditEvent.objects.get(action=PreventionAudit.MATRIX_SET)
    assert (event.after["regraded"], event.after["level_changed"]) == (1, 1)
    bad = client_for(paying.admin).put(f"{API}/matrix", {**bands, "lec_red": 100}, content_type=JSON)
    assert bad.status_code == 422
    assert "红 > 橙 > 黄" in messages(bad)["lec_red"]
    assert risks.matrix().lec_red == 240


def test_grade_calculator(paying: Any, client_for: Any) -> None:
    response = post(client_for(paying.officer_a), "/grade", {"method": "lec", "likelihood": 1, "exposure": 10,
                                                            "consequence": 7})
    assert response.json()["value"] == 70 and response.json()["level"] == "blue"  # 70 is not > 70


def _sheet(rows: list[list[Any]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单元/场所", "风险点名称", "危险有害因素", "评价方法", "L", "E", "C", "S", "管控措施", "责任人"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "风险点.xlsx"
    return out


def test_excel_import_grades_every_row_or_writes_nothing(paying: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    good = [["装卸站台", "槽车泄漏", "装卸软管破裂", "LEC", 6, 6, 7, None, "拉断阀", "李工"],
            ["泵房", "机泵密封泄漏", "密封失效", "LS", 3, None, None, 4, "巡检", "赵工"]]
    bad = [*good, ["泵房", "电机过热", "过载", "LS", 7, None, None, 2, "", "赵工"]]
    refused = client.post(f"{API}/risk-points/import", {"file": _sheet(bad), "dry_run": "false"})
    assert refused.status_code == 200, refused.content
    outcome = refused.json()
    assert (outcome["written"], outcome["error_count"]) == (0, 1)
    assert outcome["errors"][0]["row"] == 4 and "不在取值表中" in outcome["errors"][0]["reason"]
    assert not RiskPoint.objects.exists()
    written = client.post(f"{API}/risk-points/import", {"file": _sheet(good), "dry_run": "false"}).json()
    assert written["written"] == 2, written
    levels = dict(RiskPoint.objects.values_list("name", "level"))
    assert levels == {"槽车泄漏": "orange", "机泵密封泄漏": "orange"}  # 6·6·7 = 252; 3·4 = 12
    assert set(RiskPoint.objects.values_list("enterprise", flat=True)) == {enterprise_a.pk}
    again = client.post(f"{API}/risk-points/import", {"file": _sheet(good), "dry_run": "false"}).json()
    assert again["written"] == 0 and "已有风险点" in again["errors"][0]["reason"]


def test_export_and_risk_map(paying: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    post(client, "/risk-points", LEC)
    body = b"".join(client.get(f"{API}/risk-points/export", {"format": "xlsx"}).streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][2] == "液氯泄漏" and rows[1][10] == "较大风险"
    layer = client.get(f"{API}/risk-map").json()
    assert layer["counts_by_level"] == {"red": 0, "orange": 1, "yellow": 0, "blue": 0}
    assert layer["features"][0]["properties"]["colour"] == "#f08c00"


def test_regrading_in_sql_agrees_with_the_pure_grading(paying: Any, enterprise_a: Any) -> None:
    cases = [(lec, (l_, e, c)) for lec in ("lec",) for l_ in (0.2, 1, 3, 6, 10) for e in (1, 6, 10)
             for c in (1, 7, 15, 40)] + [("ls", (l_, s)) for l_ in range(1, 6) for s in range(1, 6)]
    for n, (method, factors) in enumerate(cases):
        names = ("likelihood", "exposure", "consequence") if method == "lec" else ("likelihood", "severity")
        risks.create_risk_point({"enterprise": enterprise_a, "unit_place": "区", "name": f"点{n}", "method": method,
                                 "hazard_description": "-", "responsible_person": "甲",
                                 **dict(zip(names, factors, strict=True))}, actor=paying.admin)
    for lec, ls in (((320, 160, 70, False), (20, 9, 4, True)), ((240, 120, 60, True), (16, 10, 5, False))):
        config = risks.set_matrix({"lec_red": lec[0], "lec_orange": lec[1], "lec_yellow": lec[2],
                                   "lec_lower_inclusive": lec[3], "ls_red": ls[0], "ls_orange": ls[1],
                                   "ls_yellow": ls[2], "ls_lower_inclusive": ls[3]}, actor=paying.admin)
        for point in RiskPoint.objects.all():
            expected = assess(point.method, point.likelihood, point.exposure, point.consequence, point.severity,
                              lec_bands=config.lec_bands, ls_bands=config.ls_bands)
            assert point.level == expected.level.value, (point.working, lec, ls)
