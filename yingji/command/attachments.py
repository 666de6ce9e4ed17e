"""Incident attachments: checked by their content (not their name), stored under generated names, logged.

Accepted: photos (JPEG, PNG, WebP), PDF, and Office documents (docx, xlsx — ZIP containers), up to 20 MB each.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from yingji.core import audit
from yingji.core.models import AuditAction
from yingji.core.records import ensure_may_change

from . import incidents
from .models import Incident, IncidentAttachment, IncidentStatus, TimelineKind

MAX_BYTES: Final[int] = 20 * 1024 * 1024
# (magic bytes, offset, content type, extension); Office files are ZIPs whose extension tells them apart.
SIGNATURES: Final[tuple[tuple[bytes, int, str, str], ...]] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"WEBP", 8, "image/webp", "webp"),
    (b"%PDF-", 0, "application/pdf", "pdf"),
)
OFFICE: Final[dict[str, str]] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def kind_of(name: str, content: bytes) -> tuple[str, str] | None:
    """(content type, extension) recognised from the first bytes, or None for anything else."""
    for magic, offset, content_type, ext in SIGNATURES:
        if content[offset:offset + len(magic)] == magic:
            return content_type, ext
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content[:4] == b"PK\x03\x04" and ext in OFFICE:
        return OFFICE[ext], ext
    return None


@transaction.atomic
def attach(incident: Incident, name: str, content: bytes, *, actor: Any, note: str = "") -> IncidentAttachment:
    """Store one file on the incident and log it. :raises ValidationError: on ``file`` (empty, too big, type)."""
    ensure_may_change(incident, actor, "事件")
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": "事件已结案，不能再上传附件"})
    if not content:
        raise ValidationError({"file": "文件为空"})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": f"{name}：{len(content) / 1048576:.1f} MB，超过 20 MB"})
    kind = kind_of(name, content)
    if kind is None:
        raise ValidationError({"file": f"{name}：只接受 JPEG、PNG、WebP 照片，PDF，以及 Word（docx）、"
                                       "Excel（xlsx）文件"})
    content_type, ext = kind
    stored = default_storage.save(f"command/attachments/{uuid.uuid4().hex}.{ext}", ContentFile(content))
    try:
        attachment = IncidentAttachment.objects.create(
            incident=incident, file=stored, original_name=name[:200], content_type=content_type, size=len(content),
            note=note.strip()[:300], uploaded_by=actor if getattr(actor, "pk", None) else None)
        incidents.record_on_timeline(incident, TimelineKind.NOTE, f"上传附件：{attachment.original_name}"
                                     + (f"（{attachment.note}）" if attachment.note else ""),
                                     actor=actor, data={"attachment": attachment.pk})
        audit.record(AuditAction.CREATE, actor=actor, object_type="command.incidentattachment",
                     object_id=attachment.pk, object_repr=attachment.original_name,
                     after={"incident": incident.pk, "file": stored, "content_type": content_type,
                            "size": len(content), "note": attachment.note})
    except BaseException:
        default_storage.delete(stored)
        raise
    return attachment
