"""Importing devices and their channels from an instrument list (CSV in UTF-8/GBK, or Excel).

One row per channel, as an enterprise's instrument list (仪表清单) has one row per measuring point:
the device's columns (code, name, type, enterprise, vendor, protocol, installation point, address,
longitude, latitude) repeat on each of its rows — or are left blank after its first row — and the
channel's columns (metric, unit, range, sample interval, design value) follow. Rows with the same
device code make one device.

Pass one checks every row as the services would (the pack accepts the channel, the device is in the
importer's scope, the code is new, device columns agree) and reports errors row by row in Chinese.
Pass two creates each device with its channels through ``devices.create_device_with_channels`` in one
transaction — nothing when the file has errors, unless only the valid rows were asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from yingji.core import audit, tabular
from yingji.core.scoping import Principal, facts_of
from yingji.registry.importing import ImportOutcome
from yingji.registry.models import Enterprise

from . import devices
from .constants import MonitoringAction
from .models import Channel, Device
from .rule_binding import build_rules
from .rule_packs import PACKS

DEVICE_FIELDS = ("code", "name", "device_type", "enterprise", "vendor", "protocol", "installation_point", "address",
                 "longitude", "latitude")
CHANNEL_FIELDS = ("metric", "unit", "range_min", "range_max", "sample_interval_s", "design_value")
_TYPES = {**{key: key for key in PACKS}, **{pack.name: key for key, pack in PACKS.items()}}


def _column(field: str, model: type[Device] | type[Channel], parse: tabular.Parser, *, required: bool = False,
            help: str = "") -> tabular.Column:  # noqa: A002 - the Column's own keyword
    model_field = cast("models.Field[Any, Any]", model._meta.get_field(field))  # a concrete field of ours
    return tabular.Column(header=str(model_field.verbose_name), field=field, parse=parse, required=required,
                          aliases=(field,), help=help)


COLUMNS = [
    _column("code", Device, tabular.text(64), required=True),
    _column("name", Device, tabular.text(200), help="同一设备的第一行必填，以后各行可留空"),
    _column("device_type", Device, tabular.choice(_TYPES, what="设备类型"),
            help="规则包名称或代码：" + "、".join(pack.name for pack in PACKS.values())),
    tabular.Column(header="所属企业", field="enterprise", parse=tabular.text(200), aliases=("enterprise",),
                   help="企业名称或统一社会信用代码；留空为导入人所属企业"),
    _column("vendor", Device, tabular.text(100)),
    _column("protocol", Device, tabular.text(32)),
    _column("installation_point", Device, tabular.text(200)),
    _column("address", Device, tabular.text(300)),
    _column("longitude", Device, tabular.longitude()),
    _column("latitude", Device, tabular.latitude()),
    _column("metric", Channel, tabular.text(64), required=True, help="规则包中的指标名，如 combustible_gas"),
    _column("unit", Channel, tabular.text(16), required=True),
    _column("range_min", Channel, tabular.floating()),
    _column("range_max", Channel, tabular.floating()),
    _column("sample_interval_s", Channel, tabular.floating(0.001), help="留空为 30 秒"),
    _column("design_value", Channel, tabular.floating(), help="储罐液位、温度、压力必填"),
]


_FIELDS = {c.field for c in COLUMNS}


def _problems(exc: ValidationError) -> list[tuple[str | None, str]]:
    """A service's validation errors, on their column where the file has one, else on the row."""
    if hasattr(exc, "error_dict"):
        return [(field if field in _FIELDS else None, message)
                for field, messages in exc.message_dict.items() for message in messages]
    return [(None, message) for message in exc.messages]


@dataclass(frozen=True, slots=True)
class _Planned:
    """A device as its first row describes it: the unsaved device, that row's cells, the service's data."""

    device: Device
    cells: dict[str, Any]
    data: dict[str, Any]


class _RowChecker:
    """Cross-column checks of one row, and the devices seen so far (their first row's columns)."""

    def __init__(self, actor: Any) -> None:
        self.actor, self.principal = actor, Principal.of(actor)
        self.enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
        self.enterprises.update(Enterprise.objects.values_list("name", "id"))
        self.existing = set(Device.objects.values_list("code", flat=True))
        self.devices: dict[str, _Planned] = {}
        self.metrics: set[tuple[str, str]] = set()

    def __call__(self, values: dict[str, Any]) -> list[tuple[tabular.Column | str | None, str]]:
        code = values["code"]
        if code in self.existing:
            return [("code", f"设备 {code} 已登记，不能重复导入（修改请用设备编辑）")]
        if (code, values["metric"]) in self.metrics:
            return [("metric", f"设备 {code} 的指标 {values['metric']} 在文件中重复出现")]
        seen = self.devices.get(code)
        problems = self._device(values) if seen is None else [
            (f, f"与同一设备前面的行不一致（前面为“{seen.cells[f]}”）")
            for f in DEVICE_FIELDS if values.get(f) not in (None, "") and values[f] != seen.cells[f]]
        if problems:
            return problems  # type: ignore[return-value]
        device = self.devices[code].device
        channel = Channel(device=device, **{f: values[f] for f in CHANNEL_FIELDS if values.get(f) is not None})
        try:
            channel.full_clean(exclude=["device"], validate_unique=False, validate_constraints=False)
            build_rules(channel)
        except ValidationError as exc:
            return _problems(exc)  # type: ignore[return-value]
        self.metrics.add((code, values["metric"]))
        return []

    def _device(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        """The first row of a device: its columns make a device the services would accept."""
        missing = [f for f in ("name", "device_type") if values.get(f) in (None, "")]
        if missing:
            return [(f, "同一设备的第一行必填") for f in missing]
        data = {f: values[f] for f in DEVICE_FIELDS if values.get(f) is not None and f != "enterprise"}
        if values.get("enterprise"):
            enterprise = self.enterprises.get(values["enterprise"])
            if enterprise is None:
                return [("enterprise", f"未知的企业（名称或统一社会信用代码）：{values['enterprise']}")]
            data["enterprise_id"] = enterprise
        device = devices.new_device(data, actor=self.actor)
        try:
            device.full_clean(validate_unique=False)
        except ValidationError as exc:
            return _problems(exc)
        if not self.principal.may_change(facts_of(device)):
            return [(None, "超出您的数据权限范围（企业、部门或区域不符）")]
        self.devices[values["code"]] = _Planned(device, dict(values), data)
        return []


def import_devices(upload: BinaryIO, filename: str, *, actor: Any, dry_run: bool = True,
                   valid_rows_only: bool = False, sheet: str | None = None) -> ImportOutcome:
    """Validate an instrument list row by row and, unless a dry run, create its devices and channels."""
    outcome = ImportOutcome(dry_run=dry_run)
    checker = _RowChecker(actor)
    rows: list[dict[str, Any]] = []
    try:
        with tabular.read_rows(upload, filename, sheet=sheet, max_bytes=settings.YINGJI_IMPORT_MAX_BYTES) as reader:
            report = tabular.validate_table(reader, COLUMNS, row_validator=checker, keep_rows=False,
                                            on_valid_row=lambda _n, values: rows.append(values))
    except tabular.TabularError as exc:
        outcome.unreadable(exc)
        return outcome
    if not outcome.checked(report, write=not dry_run, valid_rows_only=valid_rows_only):
        return outcome
    created = _write(checker.devices, rows, filename, actor=actor)
    outcome.written = len(rows)
    outcome.message = f"{report.summary()}。已导入 {created} 台设备、{len(rows)} 个通道。"
    return outcome


@transaction.atomic
def _write(planned: Mapping[str, _Planned], rows: list[dict[str, Any]], filename: str, *, actor: Any) -> int:
    """Each device with its valid channels through the services; one transaction and one summary audit event."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for values in rows:
        by_code.setdefault(values["code"], []).append(
            {f: values[f] for f in CHANNEL_FIELDS if values.get(f) is not None})
    for code, channels in by_code.items():
        devices.create_device_with_channels(planned[code].data, channels, actor=actor)
    audit.record(MonitoringAction.DEVICES_IMPORTED, actor=actor, object_type="monitoring.device",
                 object_repr=f"导入设备 {len(by_code)} 台、通道 {len(rows)} 个（{filename}）",
                 after={"file": filename, "devices": len(by_code), "channels": len(rows)})
    return len(by_code)
