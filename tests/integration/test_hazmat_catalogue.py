"""The stored catalogue: seeded from the standard, searchable, users' entries graded like the standard's."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from yingji.core.models import AuditEvent
from yingji.hazmat import catalogue, services
from yingji.hazmat.models import Chemical
from yingji.hazmat.regrade import regrade_all
from yingji.hazmat.substances import SUBSTANCES

API = "/api/v1/hazmat"
ISOBUTANE = {
    "name": "异丁烷", "name_en": "isobutane", "aliases": ["2-甲基丙烷"], "cas_numbers": ["75-28-5"],
    "un_numbers": ["1969"], "state": "gas", "categories": ["W2"], "molar_mass_g_mol": 58.12, "lel_percent": 1.8,
    "uel_percent": 8.4, "sources": {"molar_mass_g_mol": "IUPAC", "lel_percent": "NIOSH", "uel_percent": "NIOSH"},
}


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, (response.status_code, response.content)
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_seeded_from_the_standard(db: Any) -> None:
    assert Chemical.objects.filter(is_standard=True).count() == len(SUBSTANCES)
    chlorine = Chemical.objects.get(name="氯")
    assert (chlorine.table1_q, chlorine.toxic_gas_beta, chlorine.cas_numbers, chlorine.un_numbers) == (
        5, 4, ["7782-50-5"], ["1017"])
    assert (chlorine.molar_mass_g_mol, chlorine.aegl1_ppm, chlorine.aegl2_ppm, chlorine.aegl3_ppm) == (70.9, 0.5, 2, 20)
    assert (chlorine.erpg3_ppm, chlorine.idlh_ppm, chlorine.mac_mg_m3) == (20, 10, 1)
    assert "AEGL" in chlorine.sources["aegl"] and "GBZ 2.1" in chlorine.sources["oel"]
    assert catalogue.sync_standard() == {"created": 0, "updated": 0}  # idempotent


def test_pac_is_seeded_with_its_unit_and_source(people: Any, client_for: Any) -> None:
    ethanol = Chemical.objects.get(name="乙醇")
    assert (ethanol.pac1, ethanol.pac2, ethanol.pac3, ethanol.pac_unit) == (1800, 3300, 15000, "ppm")
    assert ethanol.aegl1_ppm is None and ethanol.erpg1_ppm is None
    assert "DOE PAC Rev. 29" in ethanol.sources["pac"]
    chlorine = Chemical.objects.get(name="氯")
    assert (chlorine.pac1, chlorine.pac2, chlorine.pac3) == (None, None, None) and "pac" not in chlorine.sources
    row = client_for(people.officer_a).get(f"{API}/chemicals", {"q": "乙醇"}).json()["items"][0]
    assert (row["pac1"], row["pac2"], row["pac3"], row["pac_unit"]) == (1800, 3300, 15000, "ppm")
    # A user's entry may carry PAC in mg/m³, with its source.
    body = {**ISOBUTANE, "pac1": 13000, "pac2": 40000, "pac3": 126000, "pac_unit": "mg/m3",
            "sources": {**ISOBUTANE["sources"], "pac": "DOE PAC Rev. 29"}}
    created = _post(client_for(people.admin), f"{API}/chemicals", body)
    assert created.status_code in (200, 201), created.content
    assert created.json()["pac_unit"] == "mg/m3"


def test_the_migration_fills_pac_of_existing_entries(db: Any) -> None:
    migration = importlib.import_module("yingji.hazmat.migrations.0005_chemical_pac_values")
    Chemical.objects.filter(name__in=["乙醇", "丙酮"]).update(pac1=None, pac2=None, pac3=None, sources={})
    Chemical.objects.filter(name="乙醚").update(pac1=1, pac2=2, pac3=3)  # someone's own figures are kept

    class Apps:
        @staticmethod
        def get_model(app: str, name: str) -> type[Chemical]:
            return Chemical

    migration.fill_pac(Apps, None)
    assert Chemical.objects.get(name="乙醇").pac3 == 15000
    assert Chemical.objects.get(name="丙酮").sources["pac"] == migration.PAC_SOURCE
    assert Chemical.objects.get(name="乙醚").pac3 == 3


def test_sync_restores_the_standard_and_keeps_users_aliases(db: Any) -> None:
    Chemical.objects.filter(name="氯").update(table1_q=50, aliases=["氯气", "液氯", "厂内叫法"])
    assert catalogue.sync_standard() == {"created": 0, "updated": 1}
    chlorine = Chemical.objects.get(name="氯")
    assert chlorine.table1_q == 5 and "厂内叫法" in chlorine.aliases


@pytest.mark.parametrize(("query", "first"), [("液氯", "氯"), ("7782-50-5", "氯"), ("1017", "氯"), ("CHLORINE", "氯"),
                                              ("ＬＰＧ", "液化石油气"), ("碳酰氯", "光气")])
def test_search_by_name_alias_cas_and_un(query: str, first: str, people: Any, client_for: Any) -> None:
    page = client_for(people.officer_a).get(f"{API}/chemicals", {"q": query}).json()
    assert page["items"][0]["name"] == first
    assert page["may_edit"] is False


def test_user_entry_is_graded_by_the_evaluate_endpoint(people: Any, client_for: Any, enterprise_a: Any) -> None:
    admin = client_for(people.admin)
    created = _post(admin, f"{API}/chemicals", ISOBUTANE)
    assert created.status_code == 201, created.content
    assert (created.json()["critical_q"], created.json()["source_table"]) == (10, 2)
    assert AuditEvent.objects.filter(action="create", object_type="hazmat.chemical").count() == 1
    body = {"units": [{"name": "异丁烷球罐", "exposed_population": 0,
                       "substances": [{"chemical": "2-甲基丙烷", "quantity_t": 20}]}]}
    unit = _post(client_for(people.officer_a), f"{API}/major-hazard/evaluate", body).json()["units"][0]
    # S = 20/10 = 2 (table 2, W2); R = α 0.5 × β 1.5 × 2 = 1.5 → 四级
    assert (unit["s"], unit["r"], unit["grade"], unit["contributions"][0]["chemical"]) == (2, 1.5, 4, "异丁烷")
    assert client_for(people.officer_a).get(f"{API}/substances", {"q": "75-28-5"}).json()[0]["name"] == "异丁烷"
    stored = services.create_unit({"enterprise": enterprise_a, "name": "异丁烷罐区", "kind": "storage"},
                                  actor=people.admin)
    services.replace_inventory(stored, [services.InventoryRow("isobutane", 20)], actor=people.admin)
    assert (stored.s, stored.grade) == (2, 4)
    gone = admin.delete(f"{API}/chemicals/{created.json()['id']}")
    assert "危险化学品单元" in _problems(gone)["chemical"]


def test_who_may_edit(people: Any, client_for: Any) -> None:
    assert client_for(people.officer_a).post(f"{API}/chemicals", json.dumps(ISOBUTANE),
                                             content_type="application/json").status_code == 403
    assert client_for(people.emergency_officer).post(f"{API}/chemicals", json.dumps(ISOBUTANE),
                                                     content_type="application/json").status_code == 403
    people.emergency_officer.department.supervised_kinds = [*people.emergency_officer.department.supervised_kinds,
                                                            "hazmat.chemical"]
    people.emergency_officer.department.save()
    people.emergency_officer.refresh_from_db()
    assert _post(client_for(people.emergency_officer), f"{API}/chemicals", ISOBUTANE).status_code == 201


def test_standard_entries_are_protected(people: Any, client_for: Any) -> None:
    admin = client_for(people.admin)
    chlorine = Chemical.objects.get(name="氯")
    assert "不能删除" in _problems(admin.delete(f"{API}/chemicals/{chlorine.pk}"))["chemical"]
    patch = admin.patch(f"{API}/chemicals/{chlorine.pk}", json.dumps({"categories": ["W2"]}),
                        content_type="application/json")
    assert "随标准更新" in _problems(patch)["categories"]
    ok = admin.patch(f"{API}/chemicals/{chlorine.pk}", json.dumps({"aliases": ["氯气", "液氯", "Cl2"],
                                                                     "flash_point_c": None}),
                     content_type="application/json")
    assert ok.status_code == 200 and "Cl2" in ok.json()["aliases"]
    assert Chemical.objects.filter(pk=chlorine.pk).exists()


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"cas_numbers": ["75-28-6"]}, "cas_numbers", "校验位"),
    ({"un_numbers": ["19690"]}, "un_numbers", "4位数字"),
    ({"aliases": ["液氯"]}, "aliases", "“氯”"),
    ({"categories": []}, "categories", "表2"),
    ({"categories": ["W99"]}, "categories", "不是 GB 18218-2018 表2"),
    ({"toxic_gas_beta": 3}, "toxic_gas_beta", "2（其他毒性气体）"),
    ({"sources": {}}, "sources.molar_mass_g_mol", "数据来源"),
    ({"lel_percent": 9.0}, "uel_percent", "应大于爆炸下限"),
    ({"aegl1_ppm": 10, "aegl2_ppm": 5, "sources": {**ISOBUTANE["sources"], "aegl": "EPA"}}, "aegl3_ppm", "逐级"),
    ({"pac1": 5500, "pac2": 1700, "sources": {**ISOBUTANE["sources"], "pac": "DOE"}}, "pac3", "PAC-1 ≤ -2 ≤ -3"),
    ({"pac1": 5500}, "sources.pac", "数据来源"),
    ({"pac3": -1, "sources": {**ISOBUTANE["sources"], "pac": "DOE"}}, "pac3", "不能为负数"),
    ({"pac1": 1, "pac_unit": "ppb", "sources": {**ISOBUTANE["sources"], "pac": "DOE"}}, "pac_unit", "ppb"),
])
def test_bad_entries_are_refused(change: dict[str, Any], field: str, words: str, people: Any,
                                 client_for: Any) -> None:
    problems = _problems(_post(client_for(people.admin), f"{API}/chemicals", {**ISOBUTANE, **change}))
    assert words in problems[field], problems
    assert not Chemical.objects.filter(name="异丁烷").exists()


def test_regrade_all_follows_a_changed_entry(people: Any, client_for: Any, enterprise_a: Any) -> None:
    admin = client_for(people.admin)
    entry = _post(admin, f"{API}/chemicals", ISOBUTANE).json()
    unit = services.create_unit({"enterprise": enterprise_a, "name": "异丁烷罐区", "kind": "storage"},
                                actor=people.admin)
    services.replace_inventory(unit, [services.InventoryRow("异丁烷", 20)], actor=people.admin)
    # Reclassified as a toxic gas of table 3 (β 2, hypothetically): the stored grading keeps the old figures …
    admin.patch(f"{API}/chemicals/{entry['id']}", json.dumps({"toxic_gas_beta": 2}), content_type="application/json")
    unit.refresh_from_db()
    assert (unit.s, unit.r) == (2, 1.5)
    # … until the county is regraded: R = 0.5 × 2 × 20/10 = 2
    assert regrade_all(actor=people.admin) == {"units": 1, "grade_changed": 0, "failed": 0}
    unit.refresh_from_db()
    assert (unit.s, unit.r, unit.grade, unit.contributions[0]["beta"]) == (2, 2, 4, 2)
    assert AuditEvent.objects.filter(object_repr="全部单元重新辨识分级").count() == 1


def test_the_migration_corrects_old_aegls_and_keeps_users_figures(db: Any) -> None:
    migration = importlib.import_module("yingji.hazmat.migrations.0006_correct_aegl_60min_values")
    Chemical.objects.filter(name="环氧乙烷").update(aegl1_ppm=None, aegl2_ppm=14, aegl3_ppm=35, sources={})
    Chemical.objects.filter(name="丙烯腈").update(aegl1_ppm=None, aegl2_ppm=None, aegl3_ppm=None)
    Chemical.objects.filter(name="氰化氢").update(aegl1_ppm=1.0, aegl2_ppm=7.1, aegl3_ppm=15)
    Chemical.objects.filter(name="二硫化碳").update(aegl1_ppm=10, aegl2_ppm=100, aegl3_ppm=400)  # edited by hand

    class Apps:
        @staticmethod
        def get_model(app: str, name: str) -> type[Chemical]:
            return Chemical

    migration.correct_aegl(Apps, None)
    eo = Chemical.objects.get(name="环氧乙烷")
    assert (eo.aegl1_ppm, eo.aegl2_ppm, eo.aegl3_ppm) == (None, 45, 200)
    assert "NRC AEGL 第 9 卷" in eo.sources["aegl"]
    acn = Chemical.objects.get(name="丙烯腈")
    assert (acn.aegl1_ppm, acn.aegl2_ppm, acn.aegl3_ppm) == (0.15, 1.7, 28)
    assert Chemical.objects.get(name="氰化氢").aegl1_ppm == 2.0
    cs2 = Chemical.objects.get(name="二硫化碳")
    assert (cs2.aegl1_ppm, cs2.aegl2_ppm, cs2.aegl3_ppm) == (10, 100, 400)


def test_a_new_database_seeds_the_corrected_aegls(db: Any) -> None:
    cs2 = Chemical.objects.get(name="二硫化碳")
    assert (cs2.aegl1_ppm, cs2.aegl2_ppm, cs2.aegl3_ppm) == (13, 160, 480)
    assert "NRC AEGL 第 7 卷" in cs2.sources["aegl"]
    assert Chemical.objects.get(name="苯").sources["aegl"].startswith("U.S. EPA AEGL 60 分钟值（")


def test_the_pac_migration_fills_empty_standard_entries_and_keeps_users_figures(db: Any) -> None:
    migration = importlib.import_module("yingji.hazmat.migrations.0007_more_pac_values")
    Chemical.objects.filter(name="环氧乙烷").update(pac1=None, pac2=None, pac3=None, sources={})
    Chemical.objects.filter(name="环己烷").update(pac1=700, pac2=None, pac3=None)  # filled in by hand

    class Apps:
        @staticmethod
        def get_model(app: str, name: str) -> type[Chemical]:
            return Chemical

    migration.fill_pac(Apps, None)
    eo = Chemical.objects.get(name="环氧乙烷")
    assert (eo.pac1, eo.pac2, eo.pac3, eo.pac_unit) == (5, 45, 200, "ppm")
    assert "PAC Rev. 29" in eo.sources["pac"]
    cyclohexane = Chemical.objects.get(name="环己烷")
    assert (cyclohexane.pac1, cyclohexane.pac2, cyclohexane.pac3) == (700, None, None)
