"""Per-channel aggregates of readings by minute and by hour, and how far the rollup job has read."""

from __future__ import annotations

from django.db import models

from .devices import Channel


class Rollup(models.Model):
    """The readings of one channel in one bucket [bucket_start, bucket_start + width): count, min, max, sum.

    Maintained by ``rollups.roll_up`` by merging the readings it has not seen yet into the bucket, so a
    bucket stays exact however late its readings arrive. ``avg`` is ``sum / count``.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name="通道")
    bucket_start = models.DateTimeField("时段开始")
    count = models.PositiveIntegerField("读数条数")
    min_value = models.FloatField("最小值")
    max_value = models.FloatField("最大值")
    sum_value = models.FloatField("数值之和")
    first_time = models.DateTimeField("首条读数时间")
    last_time = models.DateTimeField("末条读数时间")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.channel_id} {self.bucket_start.isoformat()} ×{self.count}"

    @property
    def avg(self) -> float:
        return self.sum_value / self.count


class MinuteRollup(Rollup):
    """One channel's readings in one UTC minute."""

    class Meta:
        verbose_name = "读数分钟汇总"
        verbose_name_plural = "读数分钟汇总"
        constraints = [models.UniqueConstraint(fields=["channel", "bucket_start"],
                                               name="monitoring_minuterollup_bucket")]


class HourRollup(Rollup):
    """One channel's readings in one UTC hour (the same as a China Standard Time hour)."""

    class Meta:
        verbose_name = "读数小时汇总"
        verbose_name_plural = "读数小时汇总"
        constraints = [models.UniqueConstraint(fields=["channel", "bucket_start"],
                                               name="monitoring_hourrollup_bucket")]


class RollupWatermark(models.Model):
    """How far the rollup job has read the readings table, in insertion (id) order, not reading time.

    ``through_id``: every reading with a smaller or equal id is in the rollups. ``settled_id``: every id up
    to it is committed or will never appear. ``horizon_id`` was the largest visible id at ``horizon_at``;
    once the settle time has passed, it becomes settled (a transaction that held a smaller id has ended).
    """

    name = models.CharField("名称", max_length=32, primary_key=True)
    through_id = models.BigIntegerField("已汇总至读数编号", default=0)
    settled_id = models.BigIntegerField("已确定读数编号", default=0)
    horizon_id = models.BigIntegerField("观察到的最大读数编号", default=0)
    horizon_at = models.DateTimeField("观察时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "汇总进度"
        verbose_name_plural = "汇总进度"

    def __str__(self) -> str:
        return f"{self.name} → {self.through_id}"
