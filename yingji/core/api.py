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


# Pydantic's error types in the words a Chinese user reads; unknown types keep pydantic's own message.
_SCHEMA_MESSAGES = {
    "missing": "必填",
    "int_parsing": "必须是整数",
    "int_from_float": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "decimal_parsing": "必须是数字",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "string_type": "必须是文本",
    "list_type": "必须是列表",
    "dict_type": "必须是对象",
    "model_type": "必须是对象",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601（如 2026-11-28T08:00:00+08:00）",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601（如 2026-11-28T08:00:00+08:00）",
    "json_invalid": "不是有效的 JSON",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "必须大于或等于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "必须小于或等于 {le}",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "literal_error": "只能是 {expected}",
    "enum": "只能是 {expected}",
}


def _schema_message(error: dict[str, Any]) -> str:
    template = _SCHEMA_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


def _schema_field(loc: tuple[Any, ...]) -> str | None:
    """`body.payload.deaths` → `deaths`: the field as the client sent it."""
    parts = [str(p) for p in loc[1:]]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Bodies and parameters of the wrong type: 422 naming the field and the reason in Chinese."""
    errors = [{"field": _schema_field(tuple(e.get("loc", ()))), "message": _schema_message(e)} for e in exc.errors]
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
