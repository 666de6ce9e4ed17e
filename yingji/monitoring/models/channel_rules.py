"""Rules attached to one channel by a person, beyond (or instead of parts of) its device type's rule pack."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from yingji.core.models.base import ScopedQuerySet, TimeStampedModel

from ..rules.custom import KIND_LABELS, SINGLE_KINDS, RuleKind
from .devices import Channel, scoped_through_device

RULE_KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


class ChannelRule(TimeStampedModel):
    """One rule of one channel: a threshold, rate of change, no-data, flat-line or valid-range rule.

    Its parameters (``params``) were checked by ``rules.custom.check`` against the channel; thresholds and
    rates are added to the pack's rules under the id ``custom_<pk>``, the other kinds replace the pack's
    one of that kind (at most one per channel). Scoped through the channel's device.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="custom_rules", verbose_name="通道")
    kind = models.CharField("规则类型", max_length=16, choices=RULE_KIND_CHOICES)
    name = models.CharField("名称", max_length=100, help_text="出现在报警内容中，如“反应釜温度（自定义）”")
    params = models.JSONField("参数", default=dict)

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("channel__device")

    class Meta:
        ordering = ["channel", "pk"]
        verbose_name = "通道自定义规则"
        verbose_name_plural = "通道自定义规则"
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind"],
                                    condition=Q(kind__in=sorted(k.value for k in SINGLE_KINDS)),
                                    name="monitoring_channelrule_one_per_single_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.name}"

    @property
    def rule_id(self) -> str:
        """The engine's id: ``custom_<pk>`` for thresholds and rates, the pack's id for the single kinds."""
        kind = RuleKind(self.kind)
        return {RuleKind.OFFLINE: "offline", RuleKind.FLAT_LINE: "flat_line",
                RuleKind.RANGE: "range"}.get(kind, f"custom_{self.pk}")

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "channel": self.channel_id, "kind": self.kind, "name": self.name,
                "params": dict(self.params), "rule_id": self.rule_id}
