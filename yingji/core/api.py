"""The one NinjaAPI under /api/v1: authentication, error shapes, and the routers of every app."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from .auth import API_AUTH

log = logging.getLogger(__name__)

class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese text as is, not \\u escapes: integrators read these messages."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="Yingji 应急 API",
    version="1",
    description="县域智慧应急管理平台 API。认证：浏览器会话（含 CSRF）或 `Authorization: Bearer <token>`。",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def on_model_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Business-rule failures from services: 422 with the field each message belongs to."""
    errors: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": None, "message": str(m)} for m in exc.messages]
    return _error(request, 422, errors)


@api.exception_handler(NinjaValidationError)
def on_schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Bodies and parameters of the wrong type: 422 naming the location and the reason."""
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None, "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return _error(request, 422, errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "未找到")


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "无权执行此操作")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))
