"""Notify's pure parts: routing rules against notices (table), wire formats, templates, backoff."""

from __future__ import annotations

import json

import pytest

from yingji.notify import formats
from yingji.notify.routing import NoticeFacts, RuleSpec, route, rule_matches

ALARM = NoticeFacts(domain="monitoring", kind="raised", level=2, area_code="211122001005", department_id=7)

# (rule, matches ALARM?) — each row changes one condition of the rule.
RULE_TABLE = [
    (RuleSpec(1, (1,)), True),  # no conditions: everything
    (RuleSpec(1, (1,), domain="monitoring"), True),
    (RuleSpec(1, (1,), domain="hazmat"), False),
    (RuleSpec(1, (1,), kinds=frozenset({"raised", "escalated"})), True),
    (RuleSpec(1, (1,), kinds=frozenset({"closed"})), False),
    (RuleSpec(1, (1,), min_level=2), True),  # at least: equal passes
    (RuleSpec(1, (1,), min_level=3), False),
    (RuleSpec(1, (1,), area_prefix="211122"), True),  # the county contains the village
    (RuleSpec(1, (1,), area_prefix="211122001"), True),  # the township too
    (RuleSpec(1, (1,), area_prefix="211122002"), False),  # another township
    (RuleSpec(1, (1,), department_id=7), True),
    (RuleSpec(1, (1,), department_id=8), False),
    (RuleSpec(1, (1,), domain="monitoring", kinds=frozenset({"raised"}), min_level=1, area_prefix="2111",
              department_id=7), True),
    (RuleSpec(1, (1,), domain="monitoring", kinds=frozenset({"raised"}), min_level=1, area_prefix="2111",
              department_id=8), False),  # all conditions must hold
]


@pytest.mark.parametrize(("rule", "expected"), RULE_TABLE)
def test_rule_matches(rule: RuleSpec, expected: bool) -> None:
    assert rule_matches(rule, ALARM) is expected


def test_a_notice_without_area_or_department_fails_rules_that_need_them() -> None:
    bare = NoticeFacts(domain="command", kind="raised", level=4)
    assert not rule_matches(RuleSpec(1, (1,), area_prefix="2111"), bare)
    assert not rule_matches(RuleSpec(1, (1,), department_id=7), bare)
    assert rule_matches(RuleSpec(1, (1,), min_level=4), bare)


def test_route_unions_channels_of_matching_rules_once_in_rule_order() -> None:
    rules = [RuleSpec(1, (3, 1), domain="monitoring"), RuleSpec(2, (9,), domain="hazmat"),
             RuleSpec(3, (1, 2), min_level=1), RuleSpec(4, (5,), min_level=4)]
    assert route(ALARM, rules) == [3, 1, 2]
    assert route(ALARM, []) == []


def test_dingtalk_sign_matches_the_documented_algorithm() -> None:
    # Known answer, computed independently with:
    #   printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64
    assert formats.dingtalk_sign("SECtest", 1700000000000) == "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g="
    url = formats.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECtest", 1700000000000)
    assert url == ("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000"
                   "&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D")
    assert formats.dingtalk_url("https://x/robot", "", 1) == "https://x/robot"  # no secret, no signature


MESSAGE = formats.Message(source_key="k", domain="monitoring", kind="raised", level=3, title="储罐 T-101 高高报",
                          body="可燃气体 55 %LEL", link="https://yj.example.cn/monitoring/alarms/1/")


def test_robot_bodies_follow_the_robots_formats() -> None:
    ding = json.loads(formats.dingtalk_body(MESSAGE))
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == "储罐 T-101 高高报"
    assert "【严重】储罐 T-101 高高报" in ding["markdown"]["text"]
    assert "[查看详情](https://yj.example.cn/monitoring/alarms/1/)" in ding["markdown"]["text"]
    wecom = json.loads(formats.wecom_body(MESSAGE))
    assert set(wecom) == {"msgtype", "markdown"} and set(wecom["markdown"]) == {"content"}
    long = formats.Message("k", "d", "k", 1, "标题", "长" * 3000)
    assert len(json.loads(formats.wecom_body(long))["markdown"]["content"].encode()) <= 4096


@pytest.mark.parametrize(("answer", "complaint"), [
    (b'{"errcode":0,"errmsg":"ok"}', None),
    (b"", None),
    (b'{"errcode":310000,"errmsg":"sign not match"}', "errcode 310000：sign not match"),
    (b"<html>", "应答不是 JSON：<html>"),
])
def test_robot_error(answer: bytes, complaint: str | None) -> None:
    assert formats.robot_error(answer) == complaint


@pytest.mark.parametrize(("template", "escape", "expected"), [
    ('{"mobile":"{{phone}}","content":"{{ title }}"}', "json",
     '{"mobile":"13800000000","content":"罐区 \\"A\\"\\n报警"}'),
    ("to={{phone}}&msg={{title}}", "url", "to=13800000000&msg=%E7%BD%90%E5%8C%BA%20%22A%22%0A%E6%8A%A5%E8%AD%A6"),
    ("{{phone}}: {{title}}", "", '13800000000: 罐区 "A"\n报警'),
])
def test_render_escapes_for_the_body_type(template: str, escape: str, expected: str) -> None:
    assert formats.render(template, {"phone": "13800000000", "title": '罐区 "A"\n报警'}, escape) == expected


def test_unknown_placeholders_are_named() -> None:
    assert formats.unknown_placeholders("{{phone}} {{mobile}} {{ text }} {{sign}}") == ["mobile", "sign"]
    assert formats.escape_for("application/json; charset=utf-8") == "json"
    assert formats.escape_for("application/x-www-form-urlencoded") == "url"


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 0), (1, 30), (2, 60), (3, 120), (6, 960), (7, 1920),
                                                   (8, 3600), (20, 3600)])
def test_backoff_doubles_from_30_seconds_up_to_an_hour(attempts: int, seconds: float) -> None:
    assert formats.backoff_seconds(attempts) == seconds


def test_relative_links_become_absolute_with_the_public_url() -> None:
    assert formats.absolute_link("/monitoring/alarms/1/", "https://yj.example.cn/") == \
        "https://yj.example.cn/monitoring/alarms/1/"
    assert formats.absolute_link("/x", "") == "/x"
    assert formats.absolute_link("https://a/b", "https://yj") == "https://a/b"
