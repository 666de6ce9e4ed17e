"""The Django admin: every list loads, edits go through the audited services, engine-written records are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin

from yingji.core.models import AuditEvent
from yingji.registry.models import Shelter


@pytest.fixture
def staff_client(people: Any, client_for: Any) -> Any:
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    return client_for(people.admin)


def test_every_admin_list_loads(staff_client: Any) -> None:
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert staff_client.get(url).status_code == 200, url


def test_admin_save_is_audited_like_the_api(staff_client: Any, taiping: Any) -> None:
    response = staff_client.post("/admin/registry/shelter/add/", {
        "name": "管理后台避难点", "kind": "square", "capacity": 500, "area_m2": 0, "occupancy": 0, "status": "ready",
        "admin_area": taiping.pk, "address": "", "facilities": "", "manager": "", "phone": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    shelter = Shelter.objects.get(name="管理后台避难点")
    audited = AuditEvent.objects.filter(action="create", object_type="registry.shelter", object_id=str(shelter.pk))
    assert audited.exists()


@pytest.mark.parametrize("path", ["/admin/core/auditevent/add/", "/admin/monitoring/reading/add/",
                                  "/admin/command/timelineentry/add/"])
def test_engine_written_records_cannot_be_added(path: str, staff_client: Any) -> None:
    assert staff_client.get(path).status_code == 403
