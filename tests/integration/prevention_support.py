"""Shared fixtures for the prevention tests: paying enterprises A and B, a second person at A, helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user
from yingji.core.roles import Role
from yingji.prevention.models import Subscription

API = "/api/v1/prevention"
JSON = "application/json"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def subscribe(enterprise: Any, state: str = "active", start: int = -30, end: int = 335) -> Subscription:
    return Subscription.objects.create(
        enterprise=enterprise, owner_department_id=enterprise.owner_department_id,
        admin_area_id=enterprise.admin_area_id, plan="standard", seats=10, starts_on=days(start), ends_on=days(end),
        state=state)


@pytest.fixture
def paying(people: Any, enterprise_a: Any, enterprise_b: Any) -> Any:
    """A and B both have a current subscription (the normal case for an enterprise using the system)."""
    subscribe(enterprise_a)
    subscribe(enterprise_b)
    return people


@pytest.fixture
def manager_a(enterprise_a: Any) -> Any:
    """A second safety person at enterprise A: accepts what officer_a rectified."""
    return make_user("manager_a", Role.ENTERPRISE_OFFICER, enterprise=enterprise_a, full_name="甲公司安全经理")


def post(client: Any, path: str, body: Any) -> Any:
    return client.post(f"{API}{path}", body, content_type=JSON)


def danger_body(owner: Any, **extra: Any) -> dict[str, Any]:
    return {"title": "罐区防火堤破损", "description": "3号罐防火堤东侧裂缝约 1 m", "found_on": str(today()),
            "owner": owner.pk, "deadline": str(days(7)), **extra}


def messages(response: Any) -> dict[str | None, str]:
    return {e["field"]: e["message"] for e in response.json()["detail"]}
