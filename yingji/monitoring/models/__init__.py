"""Monitoring models: devices and channels, readings and rule state, alarms, dead letters."""

from .alarms import Alarm, AlarmCategory, AlarmStatus
from .channel_rules import ChannelRule
from .dead_letters import DeadLetter, DeadLetterSource
from .devices import Channel, Device, DeviceCredential, DeviceStatus
from .handling import AlarmNote, AlarmPhoto, AlarmTimeLimit
from .readings import ChannelRuleState, Reading
from .rollups import HourRollup, MinuteRollup, Rollup, RollupWatermark

__all__ = [
    "Alarm",
    "AlarmCategory",
    "AlarmNote",
    "AlarmPhoto",
    "AlarmStatus",
    "AlarmTimeLimit",
    "Channel",
    "ChannelRule",
    "ChannelRuleState",
    "DeadLetter",
    "DeadLetterSource",
    "Device",
    "DeviceCredential",
    "DeviceStatus",
    "HourRollup",
    "MinuteRollup",
    "Reading",
    "Rollup",
    "RollupWatermark",
]
