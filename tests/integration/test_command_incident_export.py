"""The incidents list exported to Excel and CSV: the filtered, scoped rows with the columns a bureau files,
opened back with openpyxl / csv and checked cell by cell."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from yingji.command import incidents
from yingji.command.incident_export import HEADERS, reporting_verdict

URL = "/api/v1/command/incidents/export"
COUNTY = "县级安全生产监督管理部门"
CITY = "设区的市级安全生产监督管理部门"


@pytest.fixture
def three(people: Any, enterprise_a: Any, enterprise_b: Any) -> list[Any]:
    """A 较大 leak at A reported on time to the county and the city but not yet to the province (overdue);
    a 一般 fire at B reported to both in time; a 一般 traffic drill just reported."""
    now = timezone.now()
    leak = incidents.open_incident({"title": "甲化工液氯泄漏", "incident_type": "hazmat_release", "source": "phone",
                                    "enterprise": enterprise_a, "deaths": 3, "direct_loss_yuan": 1_250_000.5,
                                    "address": "太平街道化工园区", "reported_at": now - timedelta(hours=6)},
                                   actor=people.emergency_officer)
    for minutes, to in ((30, COUNTY), (100, CITY)):
        incidents.add_timeline_entry(leak, "report", f"已报{to}", actor=people.emergency_officer,
                                     time=leak.reported_at + timedelta(minutes=minutes), data={"report_to": to})
    fire = incidents.open_incident({"title": "乙石化火灾", "incident_type": "fire", "source": "alarm",
                                    "enterprise": enterprise_b, "serious_injuries": 1,
                                    "reported_at": now - timedelta(hours=5)}, actor=people.emergency_officer)
    for minutes, to in ((20, COUNTY), (60, CITY)):
        incidents.add_timeline_entry(fire, "report", f"已报{to}", actor=people.emergency_officer,
                                     time=fire.reported_at + timedelta(minutes=minutes), data={"report_to": to})
    drill = incidents.open_incident({"title": "交通事故演练", "incident_type": "traffic", "source": "field",
                                     "is_exercise": True}, actor=people.emergency_officer)
    return [leak, fire, drill]


def test_xlsx_rows_and_columns(people: Any, client_for: Any, three: list[Any]) -> None:
    response = client_for(people.emergency_officer).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == HEADERS
    rows = {r[1]: dict(zip(HEADERS, r, strict=True)) for r in table[1:]}
    assert set(rows) == {"甲化工液氯泄漏", "乙石化火灾", "交通事故演练"}
    leak = rows["甲化工液氯泄漏"]
    assert leak["编号"] == f"SJ-{timezone.localtime(three[0].reported_at):%Y}-{three[0].pk:06d}"
    assert (leak["事件类型"], leak["事故等级"], leak["响应级别"]) == ("危险化学品泄漏", "较大", "III")
    assert (leak["死亡（人）"], leak["重伤（人）"]) == (3, 0)
    assert Decimal(str(leak["直接经济损失（元）"])) == Decimal("1250000.5")
    assert (leak["事发企业"], leak["所属乡镇（街道）"]) == ("甲化工有限公司", "太平街道")
    assert leak["地点"] == "太平街道化工园区"
    assert (leak["状态"], leak["演练"]) == ("已接报", "否")
    # 较大 goes on to the province, due 2 h after the city report (at +100 min): overdue by now (+6 h)
    assert (leak["报告时限"], leak["逾期或未报的报告"]) == ("超时", "省级安全生产监督管理部门（未报）")
    fire = rows["乙石化火灾"]
    assert (fire["报告时限"], fire["逾期或未报的报告"], fire["事故等级"]) == ("按时", None, "一般")
    drill = rows["交通事故演练"]
    assert (drill["报告时限"], drill["演练"]) == ("未到期", "是")
    assert drill["伤亡补报期限至"] is not None


def test_csv_follows_the_list_filters_and_scope(people: Any, client_for: Any, three: list[Any]) -> None:
    response = client_for(people.emergency_officer).get(URL, {"format": "csv", "incident_type": "fire"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert [r[1] for r in rows[1:]] == ["乙石化火灾"]
    assert rows[1][HEADERS.index("事故等级")] == "一般"
    # an enterprise officer of B sees only B's incident, whatever the filters
    mine = client_for(people.officer_b).get(URL, {"format": "csv"})
    names = [r[1] for r in csv.reader(io.StringIO(b"".join(mine.streaming_content).decode("utf-8-sig")))][1:]
    assert names == ["乙石化火灾"]


def test_bad_export_requests_are_refused(people: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    assert client.get(URL, {"format": "pdf"}).status_code == 422
    assert client.get(URL, {"level": "很大"}).status_code == 422


def test_reporting_verdict() -> None:
    now = timezone.now()
    step = incidents.Deadline
    due = now - timedelta(hours=1)
    on_time = step(1, "a", COUNTY, 60, due, due - timedelta(minutes=1), None)
    late = step(2, "b", CITY, 120, due, due + timedelta(minutes=1), None)
    pending = step(2, "b", CITY, 120, now + timedelta(hours=1), None, 3600)
    missing = step(2, "b", CITY, 120, due, None, -3600)
    assert reporting_verdict([on_time], now) == ("按时", "")
    assert reporting_verdict([on_time, late], now) == ("超时", f"{CITY}（迟报）")
    assert reporting_verdict([on_time, pending], now) == ("未到期", "")
    assert reporting_verdict([on_time, missing], now) == ("超时", f"{CITY}（未报）")
