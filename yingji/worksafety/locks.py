"""Tool e-lock writes: registering a tool with its lock device, granting or refusing unlocks, lock reports.

An unlock is granted only to a worker named (by certificate number) on an in-progress permit that covers the
tool, standing within `UNLOCK_MAX_DISTANCE_M` of the permit's point, inside the permit's window. The grant is
an Ed25519-signed single-use token (`elock`); refusals are recorded with their reason. A lock reporting
"unlocked" without a valid, unused token for an in-progress permit raises an alarm on the lock's channel.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.geo import haversine_m
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of
from yingji.monitoring import alarms, devices
from yingji.monitoring.models import Channel, Device
from yingji.monitoring.rules import Level

from . import elock
from .constants import LOCK_ALARM_RULE, LOCK_CLOCK_SKEW, UNLOCK_MAX_DISTANCE_M, UNLOCK_TOKEN_TTL, UNLOCK_TOPIC
from .constants import WorksafetyAudit as A
from .models import LockEvent, Permit, PermitStatus, Tool, UnlockRequest

LOCK_CHANNEL = "lock_state"  # 1 unlocked, 0 locked
LOCK_DEVICE_TYPE = "tool_elock"
LOCK_HEARTBEAT_S = 3600  # locks report their state at least hourly; silence beyond the pack's factor is "offline"
TOOL_FIELDS = ("enterprise", "name", "kind", "serial_no", "lock_id", "is_active")


def signing_key() -> Ed25519PrivateKey:
    """The platform's unlock-token key: YINGJI_ELOCK_SEED (64 hex digits), else derived from SECRET_KEY."""
    seed_hex = settings.YINGJI_ELOCK_SEED
    seed = bytes.fromhex(seed_hex) if seed_hex else hashlib.sha256(
        b"yingji-elock-signing-key:" + settings.SECRET_KEY.encode()).digest()
    return elock.private_key_from_seed(seed)


def public_key() -> bytes:
    return elock.public_key_bytes(signing_key())


# --- tools ------------------------------------------------------------------------------------------------
@transaction.atomic
def register_tool(data: Mapping[str, Any], *, actor: Any) -> tuple[Tool, str]:
    """Register a tool and its lock (a monitoring device with a lock_state channel and its own credential).

    Returns the tool and the lock's bearer token, shown once to be provisioned into the lock.
    """
    tool = Tool()
    apply_fields(tool, data, allowed=TOOL_FIELDS)
    if tool.enterprise_id is None and getattr(actor, "enterprise_id", None):
        tool.enterprise_id = actor.enterprise_id
    if tool.enterprise_id is None:
        raise ValidationError({"enterprise": "须指定工具所属企业"})
    enterprise = tool.enterprise
    tool.owner_department_id, tool.admin_area_id = enterprise.owner_department_id, enterprise.admin_area_id
    tool.full_clean(exclude=["device"])
    ensure_may_change(tool, actor, "工具")
    device = devices.create_device_with_channels(
        {"code": f"ELOCK-{tool.lock_id}", "name": f"{tool.name}电子锁", "device_type": LOCK_DEVICE_TYPE,
         "enterprise": enterprise, "owner_department_id": enterprise.owner_department_id,
         "admin_area_id": enterprise.admin_area_id, "longitude": enterprise.longitude,
         "latitude": enterprise.latitude, "installation_point": tool.name},
        [{"metric": LOCK_CHANNEL, "unit": "状态", "range_min": 0, "range_max": 1,
          "sample_interval_s": LOCK_HEARTBEAT_S}],
        actor=actor,
    )
    tool.device = device
    tool.save(force_insert=True)
    _credential, raw = devices.issue_credential(device, actor=actor)
    audit.record_change(A.TOOL_REGISTER, tool, actor=actor, before=None)
    return tool, raw


# --- unlocking --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnlockOutcome:
    """A granted unlock carries the token; a refused one its reason. Both are recorded."""

    request: UnlockRequest
    token: str | None

    @property
    def granted(self) -> bool:
        return self.token is not None


def _covering_permit(tool: Tool, certificate: str, lon: float | None, lat: float | None, now: datetime
                     ) -> tuple[Permit | None, float | None, str]:
    """The in-progress permit allowing this worker to use this tool here and now, or why there is none."""
    permits = list(Permit.objects.filter(tools=tool, status=PermitStatus.IN_PROGRESS).order_by("planned_end"))
    if not permits:
        return None, None, "没有覆盖此工具的作业中的作业票"
    timely = [p for p in permits if p.planned_start <= now <= p.planned_end]
    if not timely:
        return permits[0], None, "当前时间不在作业票有效时段内"
    named = [p for p in timely if certificate and any(
        str(w.get("certificate_no", "")).strip() == certificate for w in p.workers or [])]
    if not named:
        return timely[0], None, f"证书编号“{certificate}”不是作业票上的作业人员"
    if lon is None or lat is None:
        return named[0], None, "须提供扫码位置（经纬度）"
    best: tuple[Permit, float] | None = None
    for p in named:
        if p.longitude is None or p.latitude is None:
            continue
        d = haversine_m(lon, lat, p.longitude, p.latitude)
        if best is None or d < best[1]:
            best = (p, d)
    if best is None:
        return named[0], None, "作业票没有作业点坐标，无法核对位置"
    if best[1] > UNLOCK_MAX_DISTANCE_M:
        return best[0], best[1], f"扫码位置距作业点 {best[1]:.0f} m，超过 {UNLOCK_MAX_DISTANCE_M:.0f} m"
    return best[0], best[1], ""


@transaction.atomic
def request_unlock(tool: Tool, *, actor: Any, worker_certificate: str, longitude: float | None,
                   latitude: float | None) -> UnlockOutcome:
    """Grant a signed single-use unlock token, or record the refusal; either way audited and published."""
    now = timezone.now()
    certificate = worker_certificate.strip()
    if not tool.is_active:
        permit, distance, reason = None, None, "工具已停用"
    else:
        permit, distance, reason = _covering_permit(tool, certificate, longitude, latitude, now)
    request = UnlockRequest(tool=tool, permit=permit, requested_by=actor, worker_certificate=certificate[:64],
                            longitude=longitude, latitude=latitude, distance_m=distance, granted=not reason,
                            reason=reason[:300])
    token = None
    if not reason:
        assert permit is not None
        claims = elock.UnlockClaims(lock=tool.lock_id, tool=tool.pk, permit=permit.number,
                                    jti=secrets.token_hex(16), iat=int(now.timestamp()),
                                    exp=int((now + UNLOCK_TOKEN_TTL).timestamp()))
        token = elock.sign(claims, signing_key())
        request.token_id, request.expires_at = claims.jti, now + UNLOCK_TOKEN_TTL
    request.save(force_insert=True)
    audit.record_change(A.UNLOCK_GRANT if token else A.UNLOCK_REFUSE, request, actor=actor, before=None)
    events.publish(UNLOCK_TOPIC, {
        "tool": tool.pk, "lock_id": tool.lock_id, "tool_name": tool.name, "enterprise_id": tool.enterprise_id,
        "permit": permit.number if permit else None, "granted": bool(token), "reason": reason,
        "distance_m": None if distance is None else round(distance, 1), "by": str(actor),
    }, scope=facts_of(tool))
    return UnlockOutcome(request, token)


# --- what the lock reports --------------------------------------------------------------------------------
def _authorised(tool: Tool, token: str, at: datetime) -> tuple[UnlockRequest | None, str]:
    """The unused grant behind a reported unlock, or the reason it is not authorised."""
    if not token:
        return None, "开锁时未出示令牌"
    verifier = elock.LockVerifier(tool.lock_id, public_key(), skew_s=int(LOCK_CLOCK_SKEW.total_seconds()))
    try:
        claims = verifier.verify(token, int(at.timestamp()))
    except elock.TokenRejected as exc:
        return None, str(exc)
    grant = UnlockRequest.objects.select_for_update().filter(tool=tool, token_id=claims.jti, granted=True).first()
    if grant is None:
        return None, "令牌不是为此工具签发的"
    if grant.used_at is not None:
        return grant, "令牌已使用过（重放）"
    if grant.permit is None or grant.permit.status != PermitStatus.IN_PROGRESS:
        return grant, "对应作业票已不在作业中"
    return grant, ""


@transaction.atomic
def report_lock_event(tool: Tool, *, state: str, at: datetime | None = None, token: str = "") -> LockEvent:
    """Record a lock's report; an unlock without a valid unused token and an in-progress permit raises an alarm."""
    now = timezone.now()
    at = at or now
    if at > now + LOCK_CLOCK_SKEW:
        raise ValidationError({"at": "事件时间晚于当前时间（锁的时钟需校准）"})
    if state not in ("unlocked", "locked"):
        raise ValidationError({"state": "锁状态只能是 unlocked 或 locked"})
    grant, problem = (None, "") if state == "locked" else _authorised(tool, token, at)
    event = LockEvent(tool=tool, state=state, occurred_at=at, unlock=grant, authorised=not problem,
                      problem=problem[:300], token_id=grant.token_id if grant else "")
    event.save(force_insert=True)
    if state == "unlocked" and grant is not None and not problem:
        grant.used_at = at
        grant.save(update_fields=["used_at", "updated_at"])
    audit.record_change(A.LOCK_EVENT, event, actor=None, before=None)
    if problem:
        channel = Channel.objects.select_related("device").get(device=tool.device, metric=LOCK_CHANNEL)
        alarms.raise_alarm(channel, rule_id=LOCK_ALARM_RULE, level=Level.HH, value=1.0, at=at,
                           message=f"{tool.name}（锁 {tool.lock_id}）无有效作业票开锁：{problem}")
    return event


def tool_for_device(device: Device) -> Tool | None:
    return Tool.objects.filter(device=device).first()
