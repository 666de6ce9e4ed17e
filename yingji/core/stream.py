"""GET /api/v1/events/stream: server-sent events, filtered by the user's scope."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from .auth import user_for_token
from .events import Event, backend
from .scoping import Principal

HEARTBEAT_SECONDS = 15


async def _authenticated_principal(request: HttpRequest) -> Principal | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user: Any = await sync_to_async(user_for_token)(header[7:].strip())
    else:
        user = await request.auser()
    if user is None or not user.is_authenticated:
        return None
    return await sync_to_async(Principal.of)(user)


def _frame(event: Event) -> str:
    data = json.dumps({"topic": event.topic, "time": event.time, "payload": event.payload}, ensure_ascii=False)
    return f"id: {event.id}\nevent: {event.topic}\ndata: {data}\n\n"


async def _events_for(principal: Principal, after_id: int, topics: tuple[str, ...]) -> AsyncIterator[str]:
    def wanted(event: Event) -> bool:
        return (not topics or event.topic.startswith(topics)) and principal.may_see(event.scope)

    subscription = backend().subscribe()
    try:
        yield "retry: 3000\n\n"
        replayed_up_to = after_id
        for event in backend().recent(after_id):
            replayed_up_to = event.id
            if wanted(event):
                yield _frame(event)
        while True:
            try:
                event = await asyncio.wait_for(subscription.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            # Events delivered after subscribing but before the replay are queued too: send them once.
            if event.id > replayed_up_to and wanted(event):
                yield _frame(event)
    finally:
        subscription.close()


async def event_stream(request: HttpRequest) -> HttpResponseBase:
    """Stream events the user may see; `?topics=registry.,alarm.` narrows by topic prefix."""
    if not isinstance(request, ASGIRequest):
        # A WSGI server (runserver, the test live server) would read this endless stream to its end before sending
        # anything, holding a thread for ever; say so instead. `yingji serve` (uvicorn) streams.
        return JsonResponse({"detail": "实时事件流需要 ASGI 服务器（yingji serve）"}, status=503)
    principal = await _authenticated_principal(request)
    if principal is None:
        return JsonResponse({"detail": "未登录或令牌无效"}, status=401)
    last_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or "0"
    after_id = int(last_id) if last_id.isdigit() else 0
    topics = tuple(t for t in request.GET.get("topics", "").split(",") if t)
    response = StreamingHttpResponse(_events_for(principal, after_id, topics), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
