"""Monitoring models: devices and channels, readings and rule state, alarms."""

from .alarms import Alarm, AlarmCategory, AlarmStatus
from .devices import Channel, Device, DeviceCredential, DeviceStatus
from .handling import AlarmNote, AlarmPhoto, AlarmTimeLimit
from .readings import ChannelRuleState, Reading

__all__ = [
    "Alarm",
    "AlarmCategory",
    "AlarmNote",
    "AlarmPhoto",
    "AlarmStatus",
    "AlarmTimeLimit",
    "Channel",
    "ChannelRuleState",
    "Device",
    "DeviceCredential",
    "DeviceStatus",
    "Reading",
]
