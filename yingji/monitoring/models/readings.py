"""Readings as stored, and the rule engine's memory per channel."""

from __future__ import annotations

from django.db import models

from .devices import Channel


class Reading(models.Model):
    """One value of a channel at an instant; (channel, time) is unique, so a resent reading is stored once."""

    # No index of its own: the unique (channel, time) index leads with the channel, and one index fewer
    # to maintain per inserted row matters at 50 000 readings a second.
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="readings", verbose_name="通道",
                                db_index=False)
    time = models.DateTimeField("时间")
    value = models.FloatField("数值")

    class Meta:
        verbose_name = "读数"
        verbose_name_plural = "读数"
        constraints = [models.UniqueConstraint(fields=["channel", "time"], name="monitoring_reading_channel_time")]
        # The unique constraint's index serves (channel, time) range scans; no second index needed.

    def __str__(self) -> str:
        return f"{self.channel_id} {self.time.isoformat()} {self.value}"


class ChannelRuleState(models.Model):
    """The ChannelEvaluator state of one channel (``ChannelState.to_dict()``), so rules survive a restart."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="rule_state",
                                   verbose_name="通道", primary_key=True)
    state = models.JSONField("规则状态", default=dict)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通道规则状态"
        verbose_name_plural = "通道规则状态"

    def __str__(self) -> str:
        return f"规则状态 {self.channel_id}"
