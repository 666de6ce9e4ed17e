"""The stored chemical catalogue: the standard's entries (seeded, protected) and entries users add."""

from __future__ import annotations

from django.db import models

from yingji.core.models import TimeStampedModel


class PhysicalState(models.TextChoices):
    """State at 20 ℃ and 101.3 kPa, as `substances.PhysicalState`."""

    GAS = "gas", "气体"
    LIQUID = "liquid", "液体"
    SOLID = "solid", "固体"


class PacUnit(models.TextChoices):
    """The unit a DOE PAC table gives a chemical's PAC-1/2/3 in."""

    PPM = "ppm", "ppm"
    MG_M3 = "mg/m3", "mg/m³"


class Chemical(TimeStampedModel):
    """One hazardous chemical of the catalogue: identity, what GB 18218 grading needs, properties, thresholds.

    Entries with ``is_standard`` are GB 18218-2018's (table 1 and the common others of
    ``yingji.hazmat.substances``): they are written by ``catalogue.sync_standard`` on every ``migrate``, their
    grading fields (Q, β, categories) follow the code and cannot be edited or deleted here. Users' entries
    take Q and β from table 2 and table 4 by the categories given (or table 3's "other toxic gas" β).
    The reference data is readable by every signed-in user; only catalogue editors change it (audited).
    """

    name = models.CharField("中文名称", max_length=100, unique=True, error_messages={"unique": "目录中已有同名化学品"})
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    cas_numbers = models.JSONField("CAS 号", default=list, blank=True)
    un_numbers = models.JSONField("UN 号", default=list, blank=True)
    state = models.CharField("物理状态", max_length=8, choices=PhysicalState.choices)

    table1_q = models.FloatField("表1临界量（t）", null=True, blank=True)
    toxic_gas_beta = models.FloatField("表3校正系数β", null=True, blank=True)
    categories = models.JSONField("危险性类别（表2）", default=list, blank=True)
    selectable_categories = models.JSONField("可选危险性类别", default=list, blank=True)
    qualified_only = models.JSONField("需限定含量的名称", default=list, blank=True, editable=False)
    note = models.CharField("备注", max_length=300, blank=True)

    molar_mass_g_mol = models.FloatField("摩尔质量（g/mol）", null=True, blank=True)
    lel_percent = models.FloatField("爆炸下限 LEL（%）", null=True, blank=True)
    uel_percent = models.FloatField("爆炸上限 UEL（%）", null=True, blank=True)
    flash_point_c = models.FloatField("闪点（℃）", null=True, blank=True)
    aegl1_ppm = models.FloatField("AEGL-1（60 min，ppm）", null=True, blank=True)
    aegl2_ppm = models.FloatField("AEGL-2（60 min，ppm）", null=True, blank=True)
    aegl3_ppm = models.FloatField("AEGL-3（60 min，ppm）", null=True, blank=True)
    erpg1_ppm = models.FloatField("ERPG-1（ppm）", null=True, blank=True)
    erpg2_ppm = models.FloatField("ERPG-2（ppm）", null=True, blank=True)
    erpg3_ppm = models.FloatField("ERPG-3（ppm）", null=True, blank=True)
    idlh_ppm = models.FloatField("IDLH（ppm）", null=True, blank=True)
    pc_twa_mg_m3 = models.FloatField("PC-TWA（mg/m³）", null=True, blank=True)
    pc_stel_mg_m3 = models.FloatField("PC-STEL（mg/m³）", null=True, blank=True)
    mac_mg_m3 = models.FloatField("MAC（mg/m³）", null=True, blank=True)
    pac1 = models.FloatField("PAC-1", null=True, blank=True)
    pac2 = models.FloatField("PAC-2", null=True, blank=True)
    pac3 = models.FloatField("PAC-3", null=True, blank=True)
    pac_unit = models.CharField("PAC 单位", max_length=8, choices=PacUnit.choices, default=PacUnit.PPM,
                                help_text="DOE PAC 表所用单位：ppm 或 mg/m³")
    sources = models.JSONField("数据来源", default=dict, blank=True, help_text="字段名 → 来源")

    is_standard = models.BooleanField("GB 18218 内置条目", default=False, editable=False)
    search_text = models.TextField("检索键", blank=True, editable=False)

    class Meta:
        ordering = ["-is_standard", "pk"]
        verbose_name = "危险化学品目录"
        verbose_name_plural = "危险化学品目录"

    def __str__(self) -> str:
        return self.name
