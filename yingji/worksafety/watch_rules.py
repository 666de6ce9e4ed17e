"""Continuous gas monitoring and video of 特级动火 (GB 30871-2022 第5章, DOMAIN §4), as rules (pure, no Django).

特级动火 needs continuous gas monitoring and full video recording of the site: the permit names at least one
combustible-gas channel of the site's detectors and a video source (camera id or stream URL) before work
starts. Any hot-work permit may name them; an alarm on a named channel stops the work (`watch_services`), and
work neither starts nor resumes while one is still active.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import constants as c
from .rules import Problem

COMBUSTIBLE_METRIC = "combustible_gas"  # the monitoring rule packs' name for %LEL channels
VIDEO_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https")
LINK_SCHEMES = ("http", "https")  # what a browser opens; rtsp/rtmp are shown for a player to copy
VIDEO_REQUIRED = "特级动火须有作业现场视频监控并全程录像：请填写摄像机编号或视频流地址（GB 30871-2022 第5章）"
GAS_REQUIRED = ("特级动火须对作业现场可燃气体连续监测：请关联至少一个本企业的可燃气体检测通道"
                "（GB 30871-2022 第5章）")


@dataclass(frozen=True)
class LinkedAlarm:
    """An active alarm (not recovered, not closed) on a channel the permit names."""

    channel: str  # "<device code>/<metric>"
    level_label: str
    message: str


@dataclass(frozen=True)
class SiteWatch:
    """What a permit names for continuous monitoring, and the alarms active on it now."""

    combustible_channels: int = 0
    video_source: str = ""
    video_url: str = ""
    active_alarms: Sequence[LinkedAlarm] = field(default_factory=tuple)


def needs_site_watch(work_type: c.WorkType, level: str) -> bool:
    """特级动火 (the level it is handled at, so a 一级 permit raised on a holiday needs it too)."""
    return work_type is c.WorkType.HOT_WORK and level == c.HOT_SPECIAL


def watch_problems(work_type: c.WorkType, level: str, watch: SiteWatch) -> list[Problem]:
    """Why work may not start or resume: a 特级动火 without gas monitoring or video; any alarm still active."""
    problems = []
    if needs_site_watch(work_type, level):
        if watch.combustible_channels < 1:
            problems.append(Problem("monitor_channels", GAS_REQUIRED))
        if not (watch.video_source.strip() or watch.video_url.strip()):
            problems.append(Problem("video_source", VIDEO_REQUIRED))
    problems += [Problem("monitor_channels", f"监测通道 {a.channel} {a.level_label}未消除（{a.message}），"
                                             "须处置恢复后才能作业") for a in watch.active_alarms]
    return problems


def video_url_problem(url: str) -> str | None:
    """A stream or playback address: rtsp(s), rtmp or http(s), with a host."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in VIDEO_SCHEMES or not parts.hostname:
        return f"视频流地址“{url[:80]}”无效：须为 {'、'.join(s + '://' for s in VIDEO_SCHEMES)} 开头并含主机名"
    return None


def is_browser_link(url: str) -> bool:
    return urlsplit(url).scheme.lower() in LINK_SCHEMES


def alarm_reason(channel: str, level_label: str, message: str, value: float | None, unit: str) -> str:
    """The suspension reason written on the permit and its timeline."""
    reading = "" if value is None else f"，读数 {value:g} {unit}".rstrip()
    return f"监测报警自动暂停：{channel} {level_label}（{message}{reading}）"[:300]
