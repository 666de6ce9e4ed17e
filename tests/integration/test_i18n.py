"""English UI: every catalogue entry is translated, and the main pages of each app, rendered in English over
the demo county, show no Chinese except the data itself (names, addresses, notes stored in the database)."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from tests.i18n_support import data_runs, read_po, untranslated
from yingji.command import evacuation, incidents
from yingji.core.management.commands import i18n_labels
from yingji.core.models import User
from yingji.hazmat.models import Batch, HazardUnit
from yingji.monitoring.models import Device
from yingji.prevention.models import HiddenDanger
from yingji.registry.models import Enterprise
from yingji.registry.templatetags.registry_ui import tr
from yingji.worksafety.models import Permit, Tool

CATALOGUES = sorted((Path(__file__).resolve().parents[2] / "yingji").glob("**/locale/en/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_every_message_has_a_reviewed_english_translation(path: Path) -> None:
    entries = read_po(path)
    assert len(CATALOGUES) >= 2 and entries, f"{path} has no messages"
    missing = [f"{path.name}:{e.line} {e.msgid!r}" for e in entries if e.fuzzy or not all(e.msgstrs)]
    assert not missing, "untranslated or fuzzy:\n" + "\n".join(missing)
    # A placeholder lost in translation raises at render time (KeyError) or shows the wrong figure.
    broken = [e.msgid for e in entries for s in e.msgstrs if sorted(_placeholders(s)) != sorted(_placeholders(e.msgid))]
    assert not broken, f"placeholders differ from the msgid: {broken}"
    # The compiled catalogue is what Django reads: it must be the .po as it stands (msgfmt after every edit).
    with path.with_suffix(".mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = [e.msgid for e in entries if e.msgid_plural is None and mo.gettext(e.msgid) != e.msgstrs[0]]
    assert not stale, f"{path.with_suffix('.mo')} is stale, recompile it (docs/development.md): {stale[:5]}"


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_0-9]*\}", text)


def first_pk(model: Any, **filters: Any) -> int:
    obj = model.objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo county has no {model.__name__} matching {filters}"
    return int(obj.pk)


def untranslated_on(client: Client, url: str, data: set[str]) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    assert response.headers["Content-Language"] == "en"
    return [f"{url}: {text}" for text in untranslated(response.content.decode(), data)]


@pytest.mark.django_db
def test_main_pages_show_no_chinese_outside_data_in_english(client_for: Callable[[User], Client]) -> None:
    call_command("demo", "--load-only", stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = client_for(User.objects.get(username="admin"))
    enterprise_user = User.objects.get(username="ent_a")
    firm = client_for(enterprise_user)
    for client in (admin, firm):
        client.cookies["django_language"] = "en"
    permit = first_pk(Permit, enterprise=enterprise_user.enterprise)
    incident = incidents.open_incident(
        {"title": "Chlorine leak", "incident_type": "hazmat_release", "source": "phone", "deaths": 3,
         "reporter_name": "Wang", "reporter_phone": "13800000000", "enterprise": enterprise_user.enterprise},
        actor=User.objects.get(username="yingji_officer"))
    site = Enterprise.objects.get(pk=enterprise_user.enterprise_id)
    box = [[site.longitude + dx, site.latitude + dy] for dx, dy in ((-.05, -.05), (.05, -.05), (.05, .05),
                                                                   (-.05, .05), (-.05, -.05))]
    plan = evacuation.plan_evacuation({"name": "Plan A", "incident": incident.pk, "area_source": "drawn",
                                       "area": {"type": "Polygon", "coordinates": [box]}},
                                      actor=User.objects.get(username="admin"))
    pages: list[tuple[Client, str]] = [
        (admin, "/"), (admin, "/apps/"), (admin, "/eagle-eye/"),
        (admin, f"/safety/enterprises/{enterprise_user.enterprise_id}/"),
        (admin, "/registry/"), (admin, "/registry/enterprises/"), (admin, "/registry/shelters/"),
        (admin, f"/registry/enterprises/{enterprise_user.enterprise_id}/"),
        (admin, f"/registry/enterprises/{enterprise_user.enterprise_id}/edit/"),
        (admin, "/command/"), (admin, f"/command/incidents/{incident.pk}/"),
        (admin, "/monitoring/alarms/"), (admin, f"/monitoring/devices/{first_pk(Device)}/"),
        (admin, "/notify/inbox/"), (admin, "/notify/deliveries/"),
        (admin, "/hazmat/chemicals/"), (admin, "/hazmat/major-hazards/"),
        (admin, f"/hazmat/units/{first_pk(HazardUnit)}/"),
        (admin, "/hazmat/ledger/"), (admin, "/hazmat/ledger/discrepancies/"), (firm, "/hazmat/import/"),
        (admin, f"/hazmat/ledger/batches/{first_pk(Batch)}/"),
        (admin, "/prevention/"), (admin, "/prevention/risk-points/"), (admin, "/prevention/hidden-dangers/"),
        (admin, f"/prevention/hidden-dangers/{first_pk(HiddenDanger)}/"), (admin, "/prevention/checkpoints/"),
        (admin, "/prevention/inspections/"), (admin, "/prevention/maintenance/"), (admin, "/prevention/commitment/"),
        (firm, "/prevention/commitment/"), (admin, "/prevention/supervision/"), (admin, "/prevention/subscriptions/"),
        (admin, "/worksafety/permits/"), (firm, "/worksafety/permits/new/"), (admin, f"/worksafety/permits/{permit}/"),
        (admin, f"/worksafety/permits/{permit}/print/"), (firm, "/worksafety/tools/"),
        (firm, f"/worksafety/tools/{first_pk(Tool)}/scan/"),
        (admin, f"/command/evacuation/{plan.pk}/print/"),
    ]
    data = data_runs()
    leaks = untranslated_on(admin, "/audit/", data | data_runs(skip=("auth.Permission",)))
    for client, url in pages:
        leaks += untranslated_on(client, url, data)
    assert not leaks, f"{len(leaks)} Chinese texts on English pages:\n" + "\n".join(leaks)
    # The board's script shows the API's labels as they come: they follow the reader's language too.
    detail = admin.get(f"/api/v1/command/incidents/{incident.pk}").json()
    assert (detail["status_label"], detail["incident_type_label"]) == ("Reported", "Hazardous chemical release")
    kinds = {entry["kind_label"] for entry in detail["timeline"]}
    assert kinds and kinds <= {"Information report", "Status change", "Command decision", "Level change"}


def test_the_generated_label_list_is_up_to_date() -> None:
    """A new choice or checklist item must reach the catalogue: regenerate with `yingji i18n_labels`."""
    assert i18n_labels.TARGET.read_text(encoding="utf-8") == i18n_labels.render(i18n_labels.collect_labels()), (
        "yingji/core/i18n_labels.py is stale: run `yingji i18n_labels`, then makemessages (docs/development.md)")


def test_a_label_from_data_is_translated_by_the_tr_filter() -> None:
    with translation.override("en"):
        assert tr("动火作业") == "Hot work" and tr("已验收（闭环）") == "Accepted (closed)"
        assert tr("没有这个标签") == "没有这个标签"  # unknown text passes through
    with translation.override("zh-hans"):
        assert tr("动火作业") == "动火作业"
