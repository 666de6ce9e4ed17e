"""Shared set-up for the monitoring integration tests: a gas detector of an enterprise and its token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from yingji.monitoring import devices
from yingji.monitoring.models import Channel, Device

READINGS = "/api/v1/monitoring/readings"
T0 = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # tests pass readings in the past relative to the real clock


@dataclass
class GasDetector:
    device: Device
    channel: Channel
    token: str

    def client(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")


def gas_detector(code: str, enterprise: Any, actor: Any) -> GasDetector:
    """A combustible-gas detector (GB/T 50493-2019 pack: 25 / 50 %LEL, deadband 2) sampling every 10 s."""
    device = devices.create_device_with_channels(
        {"code": code, "name": f"可燃气体探测器 {code}", "device_type": "combustible_gas_detector",
         "enterprise_id": enterprise.pk, "installation_point": "罐区 T-101 防火堤内"},
        [{"metric": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100, "sample_interval_s": 10}],
        actor=actor,
    )
    _, raw = devices.issue_credential(device, actor=actor)
    return GasDetector(device, device.channels.get(), raw)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def batch(channel: Any, values: list[float], start_s: float = 0, step_s: float = 10) -> list[dict[str, Any]]:
    return [{"channel": channel, "time": at(start_s + i * step_s), "value": v} for i, v in enumerate(values)]


def post(client: Client, body: Any, **kwargs: Any) -> Any:
    return client.post(READINGS, body, content_type="application/json", **kwargs)
