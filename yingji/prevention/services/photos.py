"""Photos of hidden dangers and inspection records: JPEG or PNG by their bytes, bounded in size and number."""

from __future__ import annotations

from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from yingji.core import audit
from yingji.core.models import AuditAction

from ..constants import PHOTO_MAX_BYTES, PHOTOS_PER_RECORD
from ..models import HiddenDanger, InspectionRecord, Photo
from . import common

SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"))


def _kind(head: bytes) -> tuple[str, str]:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    raise ValidationError({"file": "照片只能是 JPEG 或 PNG 图片"})


@transaction.atomic
def attach_photo(parent: HiddenDanger | InspectionRecord, file: BinaryIO, caption: str = "", *,
                 actor: Any) -> Photo:
    """Attach one photo to a hidden danger or an inspection record the actor may change."""
    common.guard(parent, actor, "照片")
    data = file.read(PHOTO_MAX_BYTES + 1)
    if not data:
        raise ValidationError({"file": "照片文件为空"})
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"file": f"照片不能超过 {PHOTO_MAX_BYTES // (1024 * 1024)} MB"})
    content_type, ext = _kind(data[:8])
    if parent.photos.count() >= PHOTOS_PER_RECORD:
        raise ValidationError({"file": f"每条记录最多 {PHOTOS_PER_RECORD} 张照片"})
    photo = Photo(enterprise_id=parent.enterprise_id, owner_department_id=parent.owner_department_id,
                  admin_area_id=parent.admin_area_id, caption=caption[:200], content_type=content_type,
                  uploaded_by=actor if getattr(actor, "pk", None) else None)
    if isinstance(parent, HiddenDanger):
        photo.danger = parent
    else:
        photo.inspection = parent
    photo.image.save(f"{parent._meta.model_name}-{parent.pk}.{ext}", ContentFile(data), save=False)
    photo.save()
    after = {"file": photo.image.name, "content_type": content_type, "bytes": len(data),
             "parent": f"{parent._meta.label_lower}:{parent.pk}"}
    audit.record(AuditAction.CREATE, actor=actor, object_type="prevention.photo", object_id=photo.pk,
                 object_repr=str(photo), after=after)
    return photo
