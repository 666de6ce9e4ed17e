"""The footing every prevention record stands on: it belongs to one enterprise, and is scoped through it."""

from __future__ import annotations

from django.db import models

from yingji.core.models import OwnedModel


class EnterpriseRecord(OwnedModel):
    """A record of one enterprise; its supervising department and area are copied from the enterprise."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")

    class Meta:
        abstract = True
