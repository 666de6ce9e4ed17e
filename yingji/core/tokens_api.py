"""API tokens for integrations: a user lists, issues and revokes their own tokens."""

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from . import services
from .models import ApiToken

router = Router(tags=["auth"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="用途，如“视频平台对接”")
    expires_at: datetime | None = None


class IssuedTokenOut(TokenOut):
    token: str = Field(description="令牌原文，只显示这一次")


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌")
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user_id=cast(int, request.user.pk)).order_by("-created_at")


@router.post("/tokens", response={201: IssuedTokenOut}, summary="签发 API 令牌（绑定本人及其权限范围）")
def issue_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, raw = services.issue_api_token(
        request.user, name=payload.name, expires_at=payload.expires_at, actor=request.user  # type: ignore[arg-type]
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{pk}", response={204: None}, summary="吊销 API 令牌")
def revoke_token(request: HttpRequest, pk: int) -> Status[None]:
    services.revoke_api_token(get_object_or_404(ApiToken, pk=pk, user=request.user), actor=request.user)
    return Status(204, None)
