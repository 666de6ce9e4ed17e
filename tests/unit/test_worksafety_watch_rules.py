"""特级动火's continuous monitoring and video (GB 30871-2022 第5章) as pure rules: a table of cases."""

from __future__ import annotations

import pytest

from yingji.worksafety.constants import HOT_1, HOT_2, HOT_SPECIAL, SINGLE, WorkType
from yingji.worksafety.watch_rules import (
    LinkedAlarm,
    SiteWatch,
    alarm_reason,
    is_browser_link,
    needs_site_watch,
    video_url_problem,
    watch_problems,
)

GAS_AND_CAMERA = SiteWatch(combustible_channels=1, video_source="CAM-1")
ALARM = LinkedAlarm("GAS-1/combustible_gas", "一级报警", "可燃气体浓度 30 %LEL ≥ 25")


@pytest.mark.parametrize(("work_type", "level", "needed"), [
    (WorkType.HOT_WORK, HOT_SPECIAL, True), (WorkType.HOT_WORK, HOT_1, False), (WorkType.HOT_WORK, HOT_2, False),
    (WorkType.CONFINED_SPACE, SINGLE, False),
])
def test_only_special_hot_work_needs_the_site_watch(work_type: WorkType, level: str, needed: bool) -> None:
    assert needs_site_watch(work_type, level) is needed


@pytest.mark.parametrize(("level", "watch", "fields"), [
    (HOT_SPECIAL, SiteWatch(), ["monitor_channels", "video_source"]),
    (HOT_SPECIAL, SiteWatch(combustible_channels=1), ["video_source"]),
    (HOT_SPECIAL, SiteWatch(video_url="rtsp://cam/1"), ["monitor_channels"]),
    (HOT_SPECIAL, SiteWatch(combustible_channels=0, video_source="  "), ["monitor_channels", "video_source"]),
    (HOT_SPECIAL, GAS_AND_CAMERA, []),
    (HOT_SPECIAL, SiteWatch(combustible_channels=2, video_source="CAM-1", active_alarms=(ALARM,)),
     ["monitor_channels"]),
    (HOT_1, SiteWatch(), []),  # 一级 may name them; nothing is required
    (HOT_1, SiteWatch(combustible_channels=1, active_alarms=(ALARM,)), ["monitor_channels"]),  # an alarm stops any
])
def test_watch_problems(level: str, watch: SiteWatch, fields: list[str]) -> None:
    assert [p.field for p in watch_problems(WorkType.HOT_WORK, level, watch)] == fields


def test_an_active_alarm_is_named_in_the_refusal() -> None:
    [problem] = watch_problems(WorkType.HOT_WORK, HOT_SPECIAL, SiteWatch(1, "CAM-1", "", (ALARM,)))
    assert "GAS-1/combustible_gas" in problem.message and "一级报警" in problem.message


@pytest.mark.parametrize(("url", "ok"), [
    ("", True), ("rtsp://10.0.0.8:554/live/1", True), ("RTSP://cam/1", True), ("rtmp://live.example/app/1", True),
    ("https://nvr.example/play?id=1", True), ("http://10.0.0.9/hls/1.m3u8", True),
    ("ftp://cam/1", False), ("cam-1", False), ("rtsp://", False), ("javascript:alert(1)", False),
])
def test_video_url(url: str, ok: bool) -> None:
    assert (video_url_problem(url) is None) is ok


def test_only_http_addresses_are_links() -> None:
    assert is_browser_link("https://nvr/1") and not is_browser_link("rtsp://cam/1") and not is_browser_link("")


def test_alarm_reason() -> None:
    assert alarm_reason("GAS-1/combustible_gas", "二级报警", "浓度超限", 55.0, "%LEL") == \
        "监测报警自动暂停：GAS-1/combustible_gas 二级报警（浓度超限，读数 55 %LEL）"
    assert alarm_reason("GAS-1/combustible_gas", "离线", "设备离线", None, "%LEL") == \
        "监测报警自动暂停：GAS-1/combustible_gas 离线（设备离线）"
