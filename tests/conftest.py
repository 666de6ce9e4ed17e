"""Shared fixtures: the Panshan areas, departments, one user per role, and clients acting as them.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL=postgres://… is set; nothing here
assumes a backend. pytest-django's test environment already adds "testserver" to ALLOWED_HOSTS
(django.test.utils.setup_test_environment); tests/integration/test_security.py checks that it did.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from django.db import connection
from django.template import engines
from django.template.exceptions import TemplateDoesNotExist
from django.test import Client

from tests import factories
from yingji.core import events, services
from yingji.core.areas import load_panshan_areas
from yingji.core.models import AdminArea, Department, User
from yingji.core.roles import Role

TAIPING = "211122001"  # 太平街道, the county seat
GAOSHENG = "211122002"  # 高升街道, "another township"
PASSWORD = "Yingji-test-密码-2024"

IN_CI = os.environ.get("CI") == "true"

# Pages the kernel views render. The page templates are written alongside the browser tests; until they
# exist in the tree, these stand-ins let the kernel's behaviour be tested. A real template always wins.
_FALLBACK_TEMPLATES = {
    "core/login.html": "<form method=post>{% csrf_token %}{{ form.as_p }}</form>",
    "core/second_factor.html": "<form method=post>{% csrf_token %}{{ error }}<input name=code></form>",
    "core/locked_out.html": "账户已锁定",
    "core/audit_log.html": "{% for e in page %}<p>#{{ e.seq }} {{ e.action }}</p>{% endfor %}",
}


# --- services that may be missing ------------------------------------------------------------------
def require_service(available: bool, what: str) -> None:
    """Skip a test whose service is absent — except in CI, where a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {what} is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.fixturenames.append("_needs_postgres")


@pytest.fixture
def _needs_postgres() -> None:
    # .ci/run tests SQLite, then PostgreSQL: in its SQLite leg the PostgreSQL-only tests belong to the next leg.
    if connection.vendor != "postgresql" and os.environ.get("YINGJI_CI_POSTGRES_LEG_FOLLOWS") == "1":
        pytest.skip("PostgreSQL-only: runs in the PostgreSQL leg of .ci/run")
    require_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://…)")


# --- database-wide setup ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the real Panshan hierarchy once; each test's transaction rolls back over it."""
    with django_db_blocker.unblock():
        load_panshan_areas()


@pytest.fixture(autouse=True)
def _fallback_templates(settings: Any) -> None:
    missing = {}
    for name, body in _FALLBACK_TEMPLATES.items():
        try:
            engines["django"].get_template(name)
        except TemplateDoesNotExist:
            missing[name] = body
    if missing:
        options = dict(settings.TEMPLATES[0]["OPTIONS"])
        options["loaders"] = [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
            ("django.template.loaders.locmem.Loader", missing),
        ]
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "APP_DIRS": False, "OPTIONS": options}]


@pytest.fixture(autouse=True)
def _fresh_event_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own in-process bus, so no event leaks between tests."""
    monkeypatch.setattr(events, "_backend", None)


@pytest.fixture
def areas(db: Any) -> dict[str, AdminArea]:
    """Townships by code (reloaded if a transactional test flushed them)."""
    if not AdminArea.objects.filter(code=TAIPING).exists():
        load_panshan_areas()
    return {a.code: a for a in AdminArea.objects.filter(level__lte=4)}


@pytest.fixture
def taiping(areas: dict[str, AdminArea]) -> AdminArea:
    return areas[TAIPING]


@pytest.fixture
def gaosheng(areas: dict[str, AdminArea]) -> AdminArea:
    return areas[GAOSHENG]


# --- organisations and people ----------------------------------------------------------------------
@dataclass
class Departments:
    emergency: Department  # 应急管理局: supervises enterprises
    education: Department  # 教育局: supervises schools
    fire: Department  # 消防救援大队: supervises nothing, owns its own records


@pytest.fixture
def departments(db: Any) -> Departments:
    return Departments(
        emergency=factories.DepartmentFactory(code="yjj", name="县应急管理局",
                                              supervised_kinds=["registry.enterprise"]),
        education=factories.DepartmentFactory(code="jyj", name="县教育局", supervised_kinds=["registry.school"]),
        fire=factories.DepartmentFactory(code="xf", name="县消防救援大队", supervised_kinds=[]),
    )


@pytest.fixture
def enterprise_a(taiping: AdminArea, departments: Departments) -> Any:
    return factories.EnterpriseFactory(name="甲化工有限公司", admin_area=taiping,
                                       owner_department=departments.emergency)


@pytest.fixture
def enterprise_b(gaosheng: AdminArea, departments: Departments) -> Any:
    return factories.EnterpriseFactory(name="乙石化有限公司", admin_area=gaosheng,
                                       owner_department=departments.emergency)


@dataclass
class People:
    """One user per role; enterprise officers of A and B, township officers of two townships."""

    admin: User
    emergency_officer: User
    education_officer: User
    fire_officer: User
    township_taiping: User
    township_gaosheng: User
    officer_a: User
    officer_b: User
    expert: User
    rescue_leader: User
    auditor: User
    expert_record: Any
    rescue_team: Any


def make_user(username: str, role: str, **extra: Any) -> User:
    return factories.UserFactory(username=username, role=role, **extra)


@pytest.fixture
def people(departments: Departments, taiping: AdminArea, gaosheng: AdminArea, enterprise_a: Any,
           enterprise_b: Any) -> People:
    expert = make_user("expert", Role.EXPERT)
    leader = make_user("leader", Role.RESCUE_LEADER)
    return People(
        admin=make_user("admin", Role.COUNTY_ADMIN, totp_secret=pyotp.random_base32(), totp_confirmed=True),
        emergency_officer=make_user("yjj_officer", Role.DEPARTMENT_OFFICER, department=departments.emergency),
        education_officer=make_user("jyj_officer", Role.DEPARTMENT_OFFICER, department=departments.education),
        fire_officer=make_user("xf_officer", Role.DEPARTMENT_OFFICER, department=departments.fire),
        township_taiping=make_user("taiping", Role.TOWNSHIP_OFFICER, admin_area=taiping),
        township_gaosheng=make_user("gaosheng", Role.TOWNSHIP_OFFICER, admin_area=gaosheng),
        officer_a=make_user("officer_a", Role.ENTERPRISE_OFFICER, enterprise=enterprise_a),
        officer_b=make_user("officer_b", Role.ENTERPRISE_OFFICER, enterprise=enterprise_b),
        expert=expert,
        rescue_leader=leader,
        auditor=make_user("auditor", Role.AUDITOR),
        expert_record=factories.ExpertFactory(name="张专家", user=expert, admin_area=taiping,
                                              owner_department=departments.emergency),
        rescue_team=factories.RescueTeamFactory(name="县危化救援队", leader_user=leader, admin_area=taiping,
                                                owner_department=departments.fire),
    )


# --- clients ---------------------------------------------------------------------------------------
@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    """A test client with a signed-in session for the given user."""

    def make(user: User, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def token_client_for(db: Any) -> Callable[[User], Client]:
    """A client that sends `Authorization: Bearer <token>` issued for the given user (no session)."""

    def make(user: User, **kwargs: Any) -> Client:
        _, raw = services.issue_api_token(user, name="tests", actor=None)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **kwargs)

    return make


@pytest.fixture
def admin_client_(people: People, client_for: Callable[[User], Client]) -> Client:
    return client_for(people.admin)


@pytest.fixture
def anon_client() -> Iterator[Client]:
    yield Client()
