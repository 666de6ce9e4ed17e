"""Rule packs by device type: the DOMAIN set points, each with where it comes from. Pure Python.

Every number is a :class:`Setting` with a ``source`` and a ``basis``:

* ``STANDARD`` — fixed by a standard (oxygen 19.5 / 23.5 % vol); not configurable;
* ``AT_MOST`` — the standard caps the set point (GB/T 50493-2019: level 1 ≤ 25 % LEL); a site may set
  it lower, never higher;
* ``CONFIGURABLE`` — not fixed by the standards in DOMAIN; the default says where it came from.

``verify`` marks figures still to be checked against the standard's text (DOMAIN marks them so).
``ChannelTemplate.build`` turns a template, the channel's facts and a site's overrides into
:class:`~yingji.monitoring.rules.ChannelRules`. Tank thresholds are fractions of the tank's design value.
"""

from __future__ import annotations

from yingji.monitoring.rule_packs.model import (
    Basis,
    ChannelTemplate,
    RateTemplate,
    RulePack,
    Setting,
    ThresholdTemplate,
)
from yingji.monitoring.rule_packs.packs import PACKS, TOXIC_OEL_MG_M3

__all__ = [
    "PACKS",
    "TOXIC_OEL_MG_M3",
    "Basis",
    "ChannelTemplate",
    "RateTemplate",
    "RulePack",
    "Setting",
    "ThresholdTemplate",
    "pack_for",
    "settings_to_verify",
]


def pack_for(device_type: str) -> RulePack:
    """The pack of a device type.

    :raises ValueError: (Chinese message) no pack for that type; the message lists the known types.
    """
    try:
        return PACKS[device_type]
    except KeyError:
        raise ValueError(f"没有设备类型“{device_type}”的规则包（可用：{'、'.join(PACKS)}）") from None


def settings_to_verify() -> list[tuple[str, str, Setting]]:
    """(device type, metric, setting) of every figure marked to be checked against the standard's text."""
    return [(p.device_type, c.metric, s) for p in PACKS.values() for c in p.channels for s in c.settings if s.verify]
