"""Handling an acknowledged alarm: assigning a person, recording what was found and done, with site photos.

raised → acknowledged (alarms.acknowledge) → handling (assign, or the first handling note) → closed
(alarms.close, with cause, measures and whether it was a false alarm). Each change writes one audit event
in its transaction and publishes ``monitoring.alarm.<change>`` after commit, like the rest of the lifecycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import User
from yingji.core.scoping import Principal, facts_of

from .alarms import announce
from .constants import PHOTO_MAX_BYTES, PHOTO_SIGNATURES, PHOTOS_PER_NOTE, MonitoringAction
from .models import Alarm, AlarmNote, AlarmPhoto, AlarmStatus


@dataclass(frozen=True)
class PhotoUpload:
    """An uploaded file as the service sees it: its name, size and bytes (the browser's type is not trusted).

    ``content`` may be cut short after the limit by the caller (no need to read a huge file); ``size`` is whole.
    """

    name: str
    content: bytes
    size: int


def _locked(alarm: Alarm) -> Alarm:
    return Alarm.objects.select_for_update().select_related("channel__device").get(pk=alarm.pk)


def _ensure_open_for_handling(alarm: Alarm, what: str) -> None:
    if alarm.status == AlarmStatus.CLOSED:
        raise ValidationError({"status": f"报警已关闭，不能再{what}"})
    if alarm.status == AlarmStatus.RAISED:
        raise ValidationError({"status": f"报警尚未确认，请先确认再{what}"})


def may_handle(user: Any, alarm: Alarm) -> bool:
    """Whether a person may be put in charge of the alarm: active, and allowed to change it (so to see it)."""
    return bool(user.is_active) and Principal.of(user).may_change(facts_of(alarm.channel.device))


def assignable_users(alarm: Alarm, *, limit: int = 200) -> list[User]:
    """People the alarm may be assigned to, by name; only those whose scope covers the alarm's device."""
    users = User.objects.filter(is_active=True).select_related("department", "admin_area").order_by(
        "full_name", "username")
    return [u for u in users.iterator(chunk_size=500) if may_handle(u, alarm)][:limit]


@transaction.atomic
def assign(alarm: Alarm, assignee: User, *, actor: Any, note: str = "") -> Alarm:
    """Put one person in charge of handling an acknowledged alarm (or hand it over); it is then ``handling``."""
    alarm = _locked(alarm)
    _ensure_open_for_handling(alarm, "指派处置人")
    if not may_handle(assignee, alarm):
        raise ValidationError({"assignee": f"“{assignee}”无权查看或处置该报警，不能指派给此人"})
    before = audit.snapshot(alarm)
    alarm.status = AlarmStatus.HANDLING
    alarm.assignee, alarm.assigned_at = assignee, timezone.now()
    alarm.save()
    if note.strip():
        AlarmNote.objects.create(alarm=alarm, author=actor, text=f"指派给 {assignee}：{note.strip()}")
    announce(alarm, MonitoringAction.ALARM_ASSIGNED, "assigned", actor=actor, before=before)
    return alarm


def photo_kind(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or WebP image by its first bytes; None for anything else."""
    for magic, offset, content_type, ext in PHOTO_SIGNATURES:
        if content[offset : offset + len(magic)] == magic and (ext != "webp" or content[:4] == b"RIFF"):
            return content_type, ext
    return None


def check_photos(photos: Sequence[PhotoUpload]) -> list[tuple[PhotoUpload, str, str]]:
    """Each photo with its type and extension, or a ValidationError naming every file that is refused and why."""
    if len(photos) > PHOTOS_PER_NOTE:
        raise ValidationError({"photos": f"每条处置记录最多上传 {PHOTOS_PER_NOTE} 张照片，本次 {len(photos)} 张"})
    checked, problems = [], []
    limit_mb = PHOTO_MAX_BYTES // (1024 * 1024)
    for photo in photos:
        kind = photo_kind(photo.content)
        if not photo.size:
            problems.append(f"“{photo.name}”是空文件")
        elif photo.size > PHOTO_MAX_BYTES or len(photo.content) > PHOTO_MAX_BYTES:
            problems.append(f"“{photo.name}”大小 {photo.size / 1048576:.1f} MB，超过 {limit_mb} MB")
        elif kind is None:
            problems.append(f"“{photo.name}”不是 JPEG、PNG 或 WebP 图片")
        else:
            checked.append((photo, *kind))
    if problems:
        raise ValidationError({"photos": "；".join(problems)})
    return checked


@transaction.atomic
def add_note(alarm: Alarm, text: str, *, actor: Any, photos: Sequence[PhotoUpload] = ()) -> AlarmNote:
    """Record what was found or done, with site photos; the first record starts handling.

    Every photo is checked (type by content, size) before anything is written; the files are stored under
    MEDIA_ROOT with generated names and removed again if the transaction fails.
    """
    if not text.strip():
        raise ValidationError({"text": "处置记录不能为空"})
    checked = check_photos(photos)
    alarm = _locked(alarm)
    _ensure_open_for_handling(alarm, "添加处置记录")
    before = audit.snapshot(alarm)
    note = AlarmNote.objects.create(alarm=alarm, author=actor, text=text.strip())
    saved: list[str] = []
    try:
        for photo, content_type, ext in checked:
            stamp = timezone.now()
            name = default_storage.save(
                f"monitoring/alarm-photos/{stamp:%Y/%m}/{uuid.uuid4().hex}.{ext}", ContentFile(photo.content))
            saved.append(name)
            AlarmPhoto.objects.create(note=note, file=name, content_type=content_type, size=len(photo.content),
                                      original_name=photo.name[:200])
        if alarm.status == AlarmStatus.ACKNOWLEDGED:
            alarm.status = AlarmStatus.HANDLING
            alarm.save()
        announce(alarm, MonitoringAction.ALARM_NOTED, "noted", actor=actor, before=before)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    return note
