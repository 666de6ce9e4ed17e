"""Accounts and transport: password hashing, lockout, the admin's second factor, API tokens, CSRF, headers."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from yingji.core import services
from yingji.core.models import ApiToken, AuditEvent
from yingji.core.roles import Role

LOGIN = "/accounts/login/"
SECOND = "/accounts/second-factor/"
NEXT = "/api/v1/openapi.json"  # somewhere to land that does not depend on the page templates
API = "/api/v1/registry/enterprises"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_testserver_is_an_allowed_host() -> None:
    assert "testserver" in django_settings.ALLOWED_HOSTS


def test_passwords_are_hashed_with_argon2(people: Any) -> None:
    assert people.officer_a.password.startswith("argon2")
    assert PASSWORD not in people.officer_a.password
    assert people.officer_a.check_password(PASSWORD)


def test_password_login_for_an_ordinary_user(people: Any) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD, "next": NEXT})
    assert response.status_code == 302 and response["Location"] == NEXT
    assert signed_in(client)
    assert AuditEvent.objects.filter(action="login", actor=people.officer_a).exists()


def test_login_refuses_an_offsite_next(people: Any) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_five_failed_logins_lock_the_account(people: Any) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "officer_a", "password": "wrong-password"})
        assert not signed_in(client)
    assert response.status_code in (200, 403, 429)
    locked = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD, "next": NEXT})
    assert locked.status_code in (403, 429)
    assert not signed_in(client)
    # Another user from the same address is not locked out by officer_a's failures.
    other = Client()
    assert other.post(LOGIN, {"username": "officer_b", "password": PASSWORD, "next": NEXT}).status_code == 302


def test_admin_login_requires_the_second_factor(people: Any) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "admin", "password": PASSWORD, "next": NEXT})
    assert response.status_code == 302 and response["Location"] == SECOND
    assert not signed_in(client)
    assert client.get(API).status_code == 401  # the password alone opens nothing

    wrong = client.post(SECOND, {"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)

    code = pyotp.TOTP(people.admin.totp_secret).now()
    response = client.post(SECOND, {"code": code})
    assert response.status_code == 302 and response["Location"] == NEXT
    assert signed_in(client)
    assert client.get(API).status_code == 200


def test_admin_without_an_authenticator_enrols_first(people: Any) -> None:
    people.admin.totp_secret, people.admin.totp_confirmed = "", False
    people.admin.save()
    client = Client()
    client.post(LOGIN, {"username": "admin", "password": PASSWORD, "next": NEXT})
    assert client.get(SECOND).status_code == 200
    people.admin.refresh_from_db()
    assert people.admin.totp_secret and not people.admin.totp_confirmed
    response = client.post(SECOND, {"code": pyotp.TOTP(people.admin.totp_secret).now()})
    assert response.status_code == 302 and signed_in(client)
    people.admin.refresh_from_db()
    assert people.admin.totp_confirmed
    assert AuditEvent.objects.filter(action="totp.enable", actor=people.admin).exists()


def test_second_factor_page_without_a_password_step_goes_back_to_login(db: Any) -> None:
    response = Client().get(SECOND)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_superuser_also_needs_the_second_factor(people: Any) -> None:
    people.fire_officer.is_superuser = True
    people.fire_officer.totp_secret = pyotp.random_base32()
    people.fire_officer.totp_confirmed = True
    people.fire_officer.save()
    client = Client()
    response = client.post(LOGIN, {"username": "xf_officer", "password": PASSWORD, "next": NEXT})
    assert response["Location"] == SECOND and not signed_in(client)


def test_django_admin_login_goes_through_our_login(db: Any) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- API tokens ------------------------------------------------------------------------------------
def test_tokens_are_stored_hashed(people: Any) -> None:
    token, raw = services.issue_api_token(people.officer_a, name="erp", actor=people.admin)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest != raw and raw not in stored.digest
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.prefix)
    assert AuditEvent.objects.filter(action="token.issue", object_id=str(token.pk)).exists()


def test_bearer_token_works_and_records_use(people: Any) -> None:
    token, raw = services.issue_api_token(people.officer_a, name="erp", actor=people.admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(API).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer yj_forged", "Bearer ", "Basic b2ZmaWNlcl9hOng=", "yj_rawtoken"])
def test_bad_authorization_headers_get_401(header: str, db: Any) -> None:
    assert Client(HTTP_AUTHORIZATION=header).get(API).status_code == 401


def test_revoked_token_is_refused(people: Any) -> None:
    token, raw = services.issue_api_token(people.officer_a, name="erp", actor=people.admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(API).status_code == 200
    services.revoke_api_token(token, actor=people.admin)
    assert client.get(API).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(token.pk)).exists()


def test_expired_token_is_refused(people: Any) -> None:
    _, raw = services.issue_api_token(people.officer_a, name="erp", actor=people.admin,
                                      expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 401


def test_token_of_a_deactivated_user_is_refused(people: Any) -> None:
    _, raw = services.issue_api_token(people.officer_a, name="erp", actor=people.admin)
    people.officer_a.is_active = False
    people.officer_a.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 401


def test_token_carries_its_users_scope(people: Any, enterprise_a: Any, enterprise_b: Any,
                                       token_client_for: Any) -> None:
    client = token_client_for(people.officer_a)
    ids = {item["id"] for item in client.get(API).json()["items"]}
    assert ids == {enterprise_a.pk}
    assert client.get(f"{API}/{enterprise_b.pk}").status_code == 404
    assert client.patch(f"{API}/{enterprise_a.pk}", {"employees": 77},
                        content_type="application/json").status_code == 200


def test_token_management_command(people: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("token", "issue", "officer_a", "scada", stdout=out)
    raw = out.getvalue().strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 200
    call_command("token", "revoke", raw[:10], stdout=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "issue", "nobody", stdout=StringIO())


# --- CSRF and headers ------------------------------------------------------------------------------
def test_csrf_is_enforced_for_session_writes(people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin, backend="django.contrib.auth.backends.ModelBackend")
    body = {"name": "无令牌", "capacity": 1}
    refused = client.post("/api/v1/registry/shelters", body, content_type="application/json")
    assert refused.status_code == 403
    assert client.get("/api/v1/registry/shelters").status_code == 200  # reads need no token
    client.get(LOGIN)  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/registry/shelters", body, content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_bearer_requests_need_no_csrf_token(people: Any) -> None:
    _, raw = services.issue_api_token(people.admin, name="x", actor=None)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/v1/registry/shelters", {"name": "令牌", "capacity": 1},
                           content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize("path", [LOGIN, "/api/v1/openapi.json", "/api/v1/registry/enterprises"])
def test_security_headers(path: str, db: Any) -> None:
    response = Client().get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_session_cookie_is_httponly_and_lax(people: Any) -> None:
    client = Client()
    client.post(LOGIN, {"username": "officer_a", "password": PASSWORD, "next": NEXT})
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_roles_cover_every_kind_of_person(people: Any) -> None:
    assert {u.role for u in (people.admin, people.fire_officer, people.township_taiping, people.officer_a,
                             people.expert, people.rescue_leader, people.auditor)} == set(Role.values)
