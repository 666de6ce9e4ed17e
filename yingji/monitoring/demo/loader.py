"""Demo devices for `yingji demo`: gas, toxic and tank channels in the chemical park, water mains,
charging piles, a manhole methane detector and a bridge deflection sensor in 太平街道, and a fire alarm
panel at a school, each with one credential whose raw token can be recomputed.

DEMO ONLY: a demo device's raw token is ``yjd_`` + HMAC-SHA256(SECRET_KEY, device code), so the
simulator can report as the device without the raw token ever being stored. Anyone who holds the
SECRET_KEY can compute these tokens; real devices get random tokens from ``issue_credential``.

Idempotent by replacement like the registry: :func:`unload_demo` (the app's ``demo_unloader``, run by
`yingji demo` before any loader, in reverse app order) deletes the demo devices with their alarms,
readings and rule state, so the registry can then replace the demo enterprises they point at.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from shapely.geometry import Point

from yingji.core import audit, demo_geography
from yingji.core.demo import EDUCATION, EMERGENCY, HOUSING, TAIPING_CODE, TRANSPORT, DemoSection
from yingji.core.models import AdminArea, AuditAction, Department
from yingji.core.models.tokens import hash_token
from yingji.registry.models import Enterprise, School

from ..constants import DEVICE_TOKEN_PREFIX
from ..models import Alarm, Channel, Device, DeviceCredential
from ..rule_binding import build_rules

PARK_FIRMS: Final = 4  # chemical-park enterprises that get detectors and a tank
WATER_POINTS: Final = 4
CHARGING_PILES: Final = 3

# The scripted episodes (yingji.monitoring.simulator) and the stuck sensor, by device code.
LEAK_DEVICE: Final = "DEMO-GAS-0101"
LEAK_NEIGHBOUR: Final = "DEMO-GAS-0102"
BURST_DEVICE: Final = "DEMO-WM-01"
STUCK_DEVICE: Final = "DEMO-WM-04"
OVERHEAT_DEVICE: Final = "DEMO-EV-01"
SCHOOL_PANEL: Final = "DEMO-SCH-01"
MANHOLE_DEVICE: Final = "DEMO-MH-01"
BRIDGE_DEVICE: Final = "DEMO-BR-01"
# By channel reference ("device code/metric"): the school panel's fault channel plays no episode.
EPISODE_OF: Final = {f"{LEAK_DEVICE}/combustible_gas": "leak", f"{LEAK_NEIGHBOUR}/combustible_gas": "leak_neighbour",
                     f"{BURST_DEVICE}/water_pressure": "burst", f"{OVERHEAT_DEVICE}/pile_temperature": "overheat",
                     f"{SCHOOL_PANEL}/smoke_alarm": "school_fire", f"{MANHOLE_DEVICE}/methane": "manhole_gas",
                     f"{BRIDGE_DEVICE}/bridge_deflection": "bridge_overload"}

# Taiping street: offsets (degrees) from the township seat for the water-main points and the piles.
_WATER_OFFSETS: Final = ((-0.006, 0.004), (0.005, 0.006), (0.008, -0.004), (-0.006, -0.006))
_PILE_OFFSETS: Final = ((0.002, 0.002), (-0.003, 0.001), (0.001, -0.003))
_MANHOLE_OFFSET: Final = (0.004, -0.001)
_BRIDGE_OFFSET: Final = (-0.002, 0.005)
# Around a firm: detectors and its tank a few tens of metres from the firm's point.
_FIRM_OFFSETS: Final = ((0.0003, 0.0002), (-0.0003, 0.0002), (0.0002, -0.0003), (-0.0002, -0.0002))


def demo_token(code: str) -> str:
    """The raw token of a demo device (DEMO ONLY: derived from SECRET_KEY, see the module docstring)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"yingji-demo-device:{code}".encode(), hashlib.sha256).digest()
    return DEVICE_TOKEN_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")


@dataclass
class _Plan:
    devices: list[Device] = field(default_factory=list)
    channels: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (device code, channel fields)

    def add(self, device: Device, *channels: dict[str, Any]) -> None:
        self.devices.append(device)
        self.channels.extend((device.code, c) for c in channels)


def _gas(interval: float) -> dict[str, Any]:
    return {"metric": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100,
            "sample_interval_s": interval}


def _plan() -> _Plan:
    plan = _Plan()
    emergency = Department.objects.get(code=EMERGENCY)
    housing = Department.objects.get(code=HOUSING)
    taiping = AdminArea.objects.get(code=TAIPING_CODE)
    firms = list(Enterprise.objects.filter(is_demo=True, in_chemical_park=True).exclude(hazard_category="none")
                 .order_by("credit_code")[:PARK_FIRMS])
    for n, firm in enumerate(firms, start=1):
        lon, lat = firm.longitude or 0.0, firm.latitude or 0.0

        def device(code: str, name: str, device_type: str, point: str, i: int, firm: Enterprise = firm,
                   lon: float = lon, lat: float = lat) -> Device:
            dx, dy = _FIRM_OFFSETS[i]
            return Device(code=code, name=f"{firm.name}{name}", device_type=device_type, vendor="演示厂商",
                          enterprise=firm, installation_point=point, owner_department=emergency,
                          admin_area_id=firm.admin_area_id, address=firm.address,
                          longitude=round(lon + dx, 6), latitude=round(lat + dy, 6), is_demo=True)

        plan.add(device(f"DEMO-GAS-{n:02d}01", "可燃气体探测器1号", "combustible_gas_detector", "装置区泵房", 0),
                 _gas(10))
        plan.add(device(f"DEMO-GAS-{n:02d}02", "可燃气体探测器2号", "combustible_gas_detector", "罐区防火堤", 1),
                 _gas(10))
        plan.add(device(f"DEMO-TOX-{n:02d}01", "硫化氢探测器", "toxic_gas_detector", "装置区", 2),
                 {"metric": "h2s", "unit": "mg/m³", "range_min": 0, "range_max": 100, "sample_interval_s": 15})
        plan.add(device(f"DEMO-TANK-{n:02d}01", "1号储罐", "storage_tank", "罐区 1 号罐", 3),
                 {"metric": "tank_level", "unit": "m", "range_min": 0, "range_max": 16, "design_value": 15,
                  "sample_interval_s": 30},
                 {"metric": "tank_temperature", "unit": "°C", "range_min": -40, "range_max": 100, "design_value": 50,
                  "sample_interval_s": 60})
    seat = next(s for s in demo_geography.township_seats() if s["code"] == TAIPING_CODE)
    town = demo_geography.township_polygons()[TAIPING_CODE]

    def located(dx: float, dy: float) -> dict[str, Any]:
        lon, lat = round(seat["lon"] + dx, 6), round(seat["lat"] + dy, 6)
        if not town.covers(Point(lon, lat)):
            raise ValueError(f"demo device point {lon}, {lat} lies outside 太平街道")
        return {"longitude": lon, "latitude": lat, "admin_area": taiping, "owner_department": housing,
                "is_demo": True, "vendor": "演示厂商"}

    for n, (dx, dy) in enumerate(_WATER_OFFSETS, start=1):
        plan.add(Device(code=f"DEMO-WM-{n:02d}", name=f"太平街道供水管网压力监测点{n}号",
                        device_type="water_main_monitor", installation_point=f"DN300 供水干管 {n} 号阀井",
                        **located(dx, dy)),
                 {"metric": "water_pressure", "unit": "MPa", "range_min": 0, "range_max": 1.6,
                  "sample_interval_s": 15})
    for n, (dx, dy) in enumerate(_PILE_OFFSETS, start=1):
        plan.add(Device(code=f"DEMO-EV-{n:02d}", name=f"太平街道公共充电站{n}号充电桩",
                        device_type="ev_charging_pile", installation_point=f"公共充电站 {n} 号桩",
                        **located(dx, dy)),
                 {"metric": "pile_temperature", "unit": "°C", "range_min": -40, "range_max": 150,
                  "sample_interval_s": 20})
    plan.add(Device(code=MANHOLE_DEVICE, name="太平街道燃气管线窨井甲烷监测仪", device_type="manhole_gas_detector",
                    installation_point="中兴路燃气管线 3 号窨井", **located(*_MANHOLE_OFFSET)),
             {"metric": "methane", "unit": "%LEL", "range_min": 0, "range_max": 100, "sample_interval_s": 15})
    transport = Department.objects.get(code=TRANSPORT)
    plan.add(Device(code=BRIDGE_DEVICE, name="太平街道绕阳河大桥挠度监测", device_type="bridge_monitor",
                    installation_point="第 2 跨跨中", **{**located(*_BRIDGE_OFFSET), "owner_department": transport}),
             {"metric": "bridge_deflection", "unit": "mm", "range_min": 0, "range_max": 100, "design_value": 50,
              "sample_interval_s": 30})
    school = School.objects.filter(is_demo=True, admin_area__code__startswith=TAIPING_CODE).order_by("name").first()
    if school is not None:
        plan.add(Device(code=SCHOOL_PANEL, name=f"{school.name}火灾报警控制器", device_type="smoke_detector",
                        vendor="演示厂商", installation_point="教学楼一层消防控制室",
                        owner_department=Department.objects.get(code=EDUCATION), admin_area_id=school.admin_area_id,
                        address=school.address, longitude=school.longitude, latitude=school.latitude, is_demo=True),
                 {"metric": "smoke_alarm", "unit": "状态", "range_min": 0, "range_max": 1, "sample_interval_s": 30},
                 {"metric": "smoke_fault", "unit": "状态", "range_min": 0, "range_max": 1, "sample_interval_s": 30})
    return plan


def unload_demo() -> dict[str, int]:
    """Delete the demo devices, their channels, readings, rule state, credentials and alarms."""
    alarms, _ = Alarm.objects.filter(channel__device__is_demo=True).delete()  # alarms PROTECT their channel
    _, per_model = Device.objects.filter(is_demo=True).delete()
    return {"devices": per_model.get(Device._meta.label, 0), "alarms": alarms}


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Replace the demo devices (needs the registry's demo enterprises loaded); ``password`` is unused."""
    replaced = unload_demo()
    plan = _plan()
    devices = {d.code: d for d in Device.objects.bulk_create(plan.devices, batch_size=500)}
    channels = [Channel(device=devices[code], **fields) for code, fields in plan.channels]
    for channel in channels:
        channel.full_clean(exclude=["device"])
        build_rules(channel)  # the pack accepts the channel's design value and range
    Channel.objects.bulk_create(channels, batch_size=500)
    credentials = []
    for code, device in devices.items():
        raw = demo_token(code)
        credentials.append(DeviceCredential(device=device, prefix=raw[:10], digest=hash_token(raw)))
    DeviceCredential.objects.bulk_create(credentials, batch_size=500)
    for model, count in ((Device, len(devices)), (Channel, len(channels))):
        audit.record(AuditAction.IMPORT, actor=None, object_type=model._meta.label_lower,
                     object_repr=f"演示数据：{model._meta.verbose_name}",
                     after={"count": count, "replaced": replaced["devices"] if model is Device else None,
                            "demo": True})
    section = DemoSection()
    section.counts["监测设备"] = len(devices)
    section.counts["监测通道"] = len(channels)
    return section
