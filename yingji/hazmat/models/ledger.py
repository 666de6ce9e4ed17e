"""The life-cycle ledger (来源可循、去向可溯): licences, batches, movements, e-waybills, stocktakes, balances."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

# Every ledger record belongs to one enterprise: its officers see their own, the enterprise's supervising
# department and township see it, county-wide roles see all.
LEDGER_SCOPE = ScopeRule(kind="hazmat.ledger", enterprise="enterprise", department="enterprise__owner_department",
                         area="enterprise__admin_area")
QUANTITY = {"max_digits": 18, "decimal_places": 6, "validators": [MinValueValidator(0)]}


class QualificationKind(models.TextChoices):
    """Licences that allow an enterprise to receive hazardous chemicals or their waste."""

    PRODUCTION = "production", "危险化学品安全生产许可证"
    OPERATION = "operation", "危险化学品经营许可证"
    USE = "use", "危险化学品安全使用许可证"
    WASTE = "waste", "危险废物经营许可证"
    TRANSPORT = "transport", "道路危险货物运输许可证"


class Qualification(TimeStampedModel):
    """A licence an enterprise holds, recorded by its supervisor: a transfer or a disposal is accepted only
    towards an enterprise holding a fitting licence valid on the day (see `ledger.RECEIVER_LICENCES`)."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT,
                                   related_name="hazmat_qualifications", verbose_name="企业")
    kind = models.CharField("资质类型", max_length=16, choices=QualificationKind.choices)
    number = models.CharField("许可证编号", max_length=64)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    revoked = models.BooleanField("已吊销/注销", default=False)
    scope_classes = models.JSONField("经营范围（危险货物类别）", default=list, blank=True,
                                     help_text='道路危险货物运输许可证的类别或项别，如 ["2.1", "3", "8"]')

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["enterprise", "kind", "-valid_until"]
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="hazmat_qualification_number_unique",
                                               violation_error_message="该类型许可证编号已登记")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CrewRole(models.TextChoices):
    DRIVER = "driver", "道路危险货物运输驾驶员"
    ESCORT = "escort", "道路危险货物运输押运人员"


class CrewCertificate(TimeStampedModel):
    """A driver's or escort's qualification certificate (从业资格证) at a carrier, recorded by its supervisor: a
    waybill names its crew by these numbers, each valid for the whole trip."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT,
                                   related_name="hazmat_crew_certificates", verbose_name="所属运输企业")
    role = models.CharField("资格类别", max_length=8, choices=CrewRole.choices)
    name = models.CharField("姓名", max_length=50)
    number = models.CharField("从业资格证号", max_length=40)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    revoked = models.BooleanField("已吊销/注销", default=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["enterprise", "role", "name"]
        verbose_name = "从业资格证"
        verbose_name_plural = "从业资格证"
        constraints = [models.UniqueConstraint(fields=["role", "number"], name="hazmat_crew_certificate_unique",
                                               violation_error_message="该类别从业资格证号已登记")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}（{self.number}）"


class Batch(TimeStampedModel):
    """A lot of one chemical, named by the enterprise that produced or bought it in; the lot keeps its
    identity across transfers, so it can be traced forward and backward through every enterprise."""

    origin = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="hazmat_batches",
                               verbose_name="批次来源企业")
    chemical = models.ForeignKey("hazmat.Chemical", on_delete=models.PROTECT, related_name="batches",
                                 verbose_name="危险化学品")
    lot_number = models.CharField("批号", max_length=64)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "批次"
        verbose_name_plural = "批次"
        constraints = [models.UniqueConstraint(fields=["origin", "chemical", "lot_number"],
                                               name="hazmat_batch_unique_per_origin")]

    def __str__(self) -> str:
        return self.lot_number


class MovementKind(models.TextChoices):
    """What happened to the chemical at this enterprise; the balance groups them (see `ledger_math`)."""

    PRODUCTION = "production", "生产"
    PURCHASE = "purchase", "采购入库"
    TRANSFER_IN = "transfer_in", "调入（接收）"
    TRANSFER_OUT = "transfer_out", "销售/调出"
    USE = "use", "使用消耗"
    DISPOSAL = "disposal", "委托处置"


class MovementStatus(models.TextChoices):
    """A transfer's inbound side waits for the receiver; everything else is confirmed when recorded."""

    CONFIRMED = "confirmed", "已确认"
    PENDING = "pending", "待接收确认"
    REJECTED = "rejected", "已拒收"


class Movement(models.Model):
    """One entry of an enterprise's ledger for one chemical: in (production, purchase, transfer in) or out
    (transfer out, use, disposal), in tonnes. A transfer or disposal to a registered enterprise is two rows,
    paired: the sender's outbound and the receiver's inbound, pending until the receiver confirms it."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="hazmat_movements",
                                   verbose_name="企业")
    chemical = models.ForeignKey("hazmat.Chemical", on_delete=models.PROTECT, related_name="movements",
                                 verbose_name="危险化学品")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="movements",
                              verbose_name="批次")
    kind = models.CharField("类型", max_length=16, choices=MovementKind.choices)
    status = models.CharField("状态", max_length=16, choices=MovementStatus.choices, default=MovementStatus.CONFIRMED)
    quantity_t = models.DecimalField("数量（t）", **QUANTITY)  # type: ignore[arg-type]
    occurred_at = models.DateTimeField("发生时间")
    counterpart = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="对方企业")
    counterpart_name = models.CharField("对方单位名称", max_length=200, blank=True)
    counterpart_credit_code = models.CharField("对方统一社会信用代码", max_length=18, blank=True)
    pair = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="对应流向记录")
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="登记人")

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "台账流向"
        verbose_name_plural = "台账流向"
        indexes = [models.Index(fields=["enterprise", "chemical", "occurred_at"], name="hazmat_movement_ledger"),
                   models.Index(fields=["occurred_at"], name="hazmat_movement_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {Decimal(self.quantity_t).normalize():f} t"


class Waybill(TimeStampedModel):
    """An electronic waybill (电子运单) for one road shipment of a hazardous chemical: who ships, carries and
    receives it, the vehicle and the licensed driver and escort, the planned route and times.

    Owned by the shipper (`enterprise`); the registered consignee and carrier read it too (`WAYBILL_PARTIES`).
    """

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="hazmat_waybills",
                                   verbose_name="托运企业")
    number = models.CharField("运单号", max_length=40, unique=True, error_messages={"unique": "运单号已存在"})
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, null=True, blank=True, related_name="waybills",
                                 verbose_name="对应调出记录")
    carrier = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="承运企业（平台登记）")
    carrier_name = models.CharField("承运企业", max_length=200)
    carrier_credit_code = models.CharField("承运企业统一社会信用代码", max_length=18)
    vehicle_plate = models.CharField("车牌号", max_length=10)
    driver_name = models.CharField("驾驶员", max_length=50)
    driver_licence = models.CharField("驾驶员从业资格证号", max_length=40)
    escort_name = models.CharField("押运员", max_length=50)
    escort_licence = models.CharField("押运员从业资格证号", max_length=40)
    consignee = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="收货企业")
    consignee_name = models.CharField("收货单位", max_length=200)
    chemical = models.ForeignKey("hazmat.Chemical", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="危险化学品")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="批次")
    quantity_t = models.DecimalField("数量（t）", **QUANTITY)  # type: ignore[arg-type]
    planned_route = models.JSONField("计划路线", default=list, help_text="[[经度, 纬度], …]，WGS84")
    planned_departure = models.DateTimeField("计划出发时间")
    planned_arrival = models.DateTimeField("计划到达时间")

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["-planned_departure"]
        verbose_name = "电子运单"
        verbose_name_plural = "电子运单"

    def __str__(self) -> str:
        return self.number


class Stocktake(TimeStampedModel):
    """A physical count of one chemical at one enterprise; two successive counts close a ledger period."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="hazmat_stocktakes",
                                   verbose_name="企业")
    chemical = models.ForeignKey("hazmat.Chemical", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="危险化学品")
    counted_at = models.DateTimeField("盘点时间")
    quantity_t = models.DecimalField("盘点数量（t）", **QUANTITY)  # type: ignore[arg-type]
    note = models.CharField("备注", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["-counted_at"]
        verbose_name = "盘点"
        verbose_name_plural = "盘点"
        constraints = [models.UniqueConstraint(fields=["enterprise", "chemical", "counted_at"],
                                               name="hazmat_stocktake_unique_time",
                                               violation_error_message="该时间已有此化学品的盘点")]

    def __str__(self) -> str:
        return f"{self.chemical} {Decimal(self.quantity_t).normalize():f} t"


class BalanceStatus(models.TextChoices):
    """A period outside the tolerance is a discrepancy for the supervisor until it is explained."""

    BALANCED = "balanced", "平衡"
    DISCREPANCY = "discrepancy", "差异待核查"
    EXPLAINED = "explained", "差异已说明"


class PeriodBalance(TimeStampedModel):
    """The balance of one period between two stocktakes: opening + in − out − used − disposed against the
    closing count, with the tolerance applied; written when the closing stocktake is recorded."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="hazmat_balances",
                                   verbose_name="企业")
    chemical = models.ForeignKey("hazmat.Chemical", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="危险化学品")
    opening = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="+", verbose_name="期初盘点")
    closing = models.OneToOneField(Stocktake, on_delete=models.PROTECT, related_name="balance",
                                   verbose_name="期末盘点")
    opening_t = models.DecimalField("期初（t）", **QUANTITY)  # type: ignore[arg-type]
    in_t = models.DecimalField("入（t）", **QUANTITY)  # type: ignore[arg-type]
    out_t = models.DecimalField("出（t）", **QUANTITY)  # type: ignore[arg-type]
    used_t = models.DecimalField("使用（t）", **QUANTITY)  # type: ignore[arg-type]
    disposed_t = models.DecimalField("处置（t）", **QUANTITY)  # type: ignore[arg-type]
    expected_t = models.DecimalField("账面期末（t）", max_digits=18, decimal_places=6)
    closing_t = models.DecimalField("盘点期末（t）", **QUANTITY)  # type: ignore[arg-type]
    difference_t = models.DecimalField("差异（t）", max_digits=18, decimal_places=6)
    tolerance_percent = models.DecimalField("允许误差（%）", max_digits=6, decimal_places=3)
    tolerance_t = models.DecimalField("允许差异（t）", **QUANTITY)  # type: ignore[arg-type]
    pending_in_t = models.DecimalField("在途待确认（t）", **QUANTITY)  # type: ignore[arg-type]
    status = models.CharField("状态", max_length=16, choices=BalanceStatus.choices)
    explanation = models.CharField("差异说明", max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = LEDGER_SCOPE

    class Meta:
        ordering = ["-closing__counted_at"]
        verbose_name = "台账平衡"
        verbose_name_plural = "台账平衡"
        indexes = [models.Index(fields=["status"], name="hazmat_balance_status")]

    def __str__(self) -> str:
        return f"{self.chemical} {self.get_status_display()}"
