"""A channel's own rules: validated field by field, scoped, audited, in force from the next batch, state settled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tests.integration.monitoring_support import T0, GasDetector, batch, gas_detector, post
from yingji.core.models import AuditEvent
from yingji.monitoring import evaluation
from yingji.monitoring.models import Alarm, ChannelRule, ChannelRuleState

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-R1", enterprise_a, people.officer_a)


@pytest.fixture
def owner(people: Any, client_for: Callable[..., Client]) -> Client:
    return client_for(people.officer_a)


def rules_url(gas: GasDetector) -> str:
    return f"/api/v1/monitoring/channels/{gas.channel.pk}/rules"


def add(client: Client, gas: GasDetector, kind: str, params: dict[str, Any], name: str = "自定义") -> Any:
    return client.post(rules_url(gas), {"kind": kind, "name": name, "params": params},
                       content_type="application/json")


def feed(gas: GasDetector, values: list[float], start_s: float) -> None:
    response = post(gas.client(), batch(gas.channel.pk, values, start_s=start_s))
    assert response.status_code == 200 and response.json()["stored"] == len(values), response.content


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


@pytest.mark.parametrize(("kind", "params", "field", "words"), [
    ("threshold", {"direction": "high", "first": 20, "second": 15}, "second", "须高于一级设定值"),
    ("threshold", {"direction": "low", "first": 10, "second": 12}, "second", "须低于一级设定值"),
    ("threshold", {"direction": "high", "first": 20, "deadband": -1}, "deadband", "不能为负数"),
    ("threshold", {"direction": "high", "first": 120}, "first", "超出通道量程 [0, 100] %LEL"),
    ("threshold", {"direction": "up", "first": 20}, "direction", "只能是 high 或 low"),
    ("threshold", {"direction": "high"}, "first", "必填"),
    ("threshold", {"direction": "high", "first": "abc"}, "first", "须为有限数字"),
    ("threshold", {"direction": "high", "first": 20, "delay_samples": 0}, "delay_samples", "至少为 1"),
    ("threshold", {"direction": "high", "first": 20, "delay_samples": 2.5}, "delay_samples", "须为整数"),
    ("threshold", {"direction": "high", "first": 20, "delay_seconds": -5}, "delay_seconds", "不能为负数"),
    ("threshold", {"direction": "high", "first": 20, "window_s": 60}, "window_s", "规则没有该参数"),
    ("rate", {"trend": "rise", "first": -1, "window_s": 60}, "first", "须为正数"),
    ("rate", {"trend": "rise", "first": 1, "window_s": 60, "min_span_s": 90}, "min_span_s", "不超过时间窗 60 秒"),
    ("rate", {"trend": "rise", "first": 1}, "window_s", "必填"),
    ("offline", {"intervals": 0}, "intervals", "须为正数"),
    ("flat_line", {"epsilon": 0.1, "hold_samples": 1}, "hold_samples", "至少 2 个读数"),
    ("flat_line", {"epsilon": -0.1, "hold_samples": 5}, "epsilon", "不能为负数"),
    ("range", {"low": 50, "high": 10}, "high", "须大于下限"),
    ("range", {}, "low", "至少填一个"),
    ("siren", {}, "kind", "只能是 threshold"),
])
def test_bad_rules_are_refused_naming_the_field(gas: GasDetector, owner: Client, kind: str, params: dict[str, Any],
                                                field: str, words: str) -> None:
    found = errors(add(owner, gas, kind, params))
    assert words in found[field], found
    assert not ChannelRule.objects.exists()


def test_a_threshold_needs_a_name_and_single_kinds_come_once(gas: GasDetector, owner: Client) -> None:
    assert "必填" in errors(add(owner, gas, "threshold", {"direction": "high", "first": 20}, name=" "))["name"]
    assert add(owner, gas, "offline", {"intervals": 10}, name="").status_code == 201
    assert "已有" in errors(add(owner, gas, "offline", {"intervals": 5}))["kind"]


def test_another_owner_gets_404_and_a_read_only_reader_403(gas: GasDetector, people: Any,
                                                           client_for: Callable[..., Client], owner: Client) -> None:
    body = {"kind": "threshold", "name": "x", "params": {"direction": "high", "first": 20}}
    other = client_for(people.officer_b).post(rules_url(gas), body, content_type="application/json")
    assert other.status_code == 404  # another enterprise's channel: not even its existence is told
    reader = client_for(people.auditor)
    assert reader.get(rules_url(gas)).status_code == 200
    denied = reader.post(rules_url(gas), body, content_type="application/json")
    assert denied.status_code == 403 and "无权修改" in denied.json()["detail"]
    made = add(owner, gas, "threshold", {"direction": "high", "first": 20}).json()
    assert client_for(people.officer_b).delete(f"/api/v1/monitoring/channel-rules/{made['id']}").status_code == 404
    assert reader.delete(f"/api/v1/monitoring/channel-rules/{made['id']}").status_code == 403
    assert ChannelRule.objects.count() == 1


def test_a_new_rule_acts_on_the_next_batch_and_a_change_ends_its_episode(gas: GasDetector, owner: Client) -> None:
    feed(gas, [5.0, 6.0], start_s=0)  # the rules are built and cached in this process
    made = add(owner, gas, "threshold", {"direction": "high", "first": 15, "second": 20, "deadband": 1},
               name="罐区可燃气体预警").json()
    assert made["rule_id"] == f"custom_{made['id']}"
    feed(gas, [16.0, 21.0], start_s=20)  # no restart, no cache clearing: the new rule is in force
    (alarm,) = Alarm.objects.all()
    assert (alarm.rule_id, alarm.level, alarm.recovered_at) == (made["rule_id"], "HH", None)
    assert alarm.message.startswith("罐区可燃气体预警")
    changed = owner.patch(f"/api/v1/monitoring/channel-rules/{made['id']}",
                          {"params": {"direction": "high", "first": 22}}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    alarm.refresh_from_db()
    assert alarm.recovered_at is not None and "已修改" in alarm.message  # the old episode ended, still to close
    state = ChannelRuleState.objects.get(pk=gas.channel.pk).state
    assert made["rule_id"] not in state["levelled"]  # it starts afresh under the new set point
    feed(gas, [21.0], start_s=40)
    assert Alarm.objects.count() == 1  # 21 < 22: nothing
    feed(gas, [23.0], start_s=50)
    raised = Alarm.objects.exclude(pk=alarm.pk).get()
    assert (raised.rule_id, raised.level) == (made["rule_id"], "H")
    assert owner.delete(f"/api/v1/monitoring/channel-rules/{made['id']}").status_code == 204
    raised.refresh_from_db()
    assert raised.recovered_at is not None and "已删除" in raised.message
    feed(gas, [24.0], start_s=60)
    assert Alarm.objects.count() == 2  # the rule is gone
    actions = list(AuditEvent.objects.filter(object_type="monitoring.channelrule").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["monitoring.channelrule.create", "monitoring.channelrule.update",
                       "monitoring.channelrule.delete"]


def test_renaming_keeps_the_episode(gas: GasDetector, owner: Client) -> None:
    made = add(owner, gas, "threshold", {"direction": "high", "first": 15}).json()
    feed(gas, [16.0], start_s=0)
    owner.patch(f"/api/v1/monitoring/channel-rules/{made['id']}", {"name": "新名称"},
                content_type="application/json")
    (alarm,) = Alarm.objects.all()
    assert alarm.recovered_at is None  # same set points: the episode goes on


def test_own_offline_rule_replaces_the_packs(gas: GasDetector, owner: Client) -> None:
    feed(gas, [1.0], start_s=0)  # sample interval 10 s: the pack says offline after 30 s
    assert add(owner, gas, "offline", {"intervals": 10}, name="").status_code == 201
    assert evaluation.tick(T0 + timedelta(seconds=45)) == 0
    assert evaluation.tick(T0 + timedelta(seconds=101)) == 1
    assert Alarm.objects.get().rule_id == "offline"


def test_own_range_and_flat_line_rules_raise_device_faults(gas: GasDetector, owner: Client) -> None:
    assert add(owner, gas, "range", {"high": 60}, name="").status_code == 201
    assert add(owner, gas, "flat_line", {"epsilon": 0.5, "hold_samples": 3}, name="").status_code == 201
    feed(gas, [70.0], start_s=0)
    fault = Alarm.objects.get(rule_id="range")
    assert (fault.level, fault.category) == ("FAULT", "fault") and "[0, 60] %LEL" in fault.message
    feed(gas, [10.0, 10.2, 10.1], start_s=10)
    stuck = Alarm.objects.get(rule_id="flat_line")
    assert (stuck.level, stuck.category) == ("STUCK", "fault")


def test_a_rate_rule_on_the_channel(gas: GasDetector, owner: Client) -> None:
    assert add(owner, gas, "rate", {"trend": "rise", "first": 10, "window_s": 60}, name="浓度骤升").status_code == 201
    feed(gas, [1.0, 1.0, 1.0, 1.0, 20.0], start_s=0)  # +19 %LEL in 40 s: 28.5 %LEL per minute
    (alarm,) = Alarm.objects.filter(rule_id__startswith="custom_")
    assert alarm.message.startswith("浓度骤升超限（一级）")


def test_rules_in_force_list_the_packs_and_the_channels(gas: GasDetector, owner: Client) -> None:
    add(owner, gas, "offline", {"intervals": 6}, name="")
    add(owner, gas, "threshold", {"direction": "low", "first": 1, "delay_samples": 3}, name="零点漂移")
    rules = {r["rule_id"]: r for r in owner.get(rules_url(gas)).json()["rules"]}
    assert rules["combustible_gas_level"]["source"] == "pack"
    assert rules["combustible_gas_level"]["text"] == "H ≥ 25 %LEL，HH ≥ 50 %LEL；回差 2"
    assert (rules["offline"]["source"], rules["offline"]["text"]) == ("channel", "6 × 采样周期无数据")
    own = next(r for r in rules.values() if r["name"] == "零点漂移")
    assert own["text"] == "L ≤ 1 %LEL；延时 3 个读数" and own["id"] is not None


def page_url(gas: GasDetector) -> str:
    return f"/monitoring/devices/{gas.device.pk}/"


def test_the_device_page_form_adds_changes_and_removes_a_rule(gas: GasDetector, owner: Client) -> None:
    page = owner.get(page_url(gas)).content.decode()
    assert 'id="rule-form"' in page and "H ≥ 25 %LEL，HH ≥ 50 %LEL；回差 2" in page  # the pack's rule, described
    added = owner.post(f"{page_url(gas)}rules/", {"channel": gas.channel.pk, "kind": "threshold", "name": "预警",
                                                  "direction": "high", "first": "15", "second": "18",
                                                  "window_s": "60"})  # another kind's field: ignored
    assert added.status_code == 302 and added["Location"].endswith("#rules")
    rule = ChannelRule.objects.get()
    assert (rule.name, rule.params) == ("预警", {"direction": "high", "first": 15.0, "second": 18.0})
    editing = owner.get(page_url(gas), {"edit": rule.pk}).content.decode()
    assert "修改规则“预警”" in editing and 'value="18.0"' in editing
    changed = owner.post(f"{page_url(gas)}rules/", {"rule": rule.pk, "name": "预警", "direction": "high",
                                                    "first": "16"})
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"direction": "high", "first": 16.0}
    assert owner.post(f"{page_url(gas)}rules/{rule.pk}/delete/").status_code == 302
    assert not ChannelRule.objects.exists()


def test_the_form_shows_field_errors_and_keeps_what_was_typed(gas: GasDetector, owner: Client) -> None:
    response = owner.post(f"{page_url(gas)}rules/", {"channel": gas.channel.pk, "kind": "threshold",
                                                     "name": "预警", "direction": "high", "first": "30",
                                                     "second": "20", "deadband": "-2"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "二级设定值（HH）20 须高于一级设定值 30" in page and "回差不能为负数" in page
    assert 'value="-2"' in page and not ChannelRule.objects.exists()


def test_the_form_is_only_for_those_who_may_change_the_device(gas: GasDetector, people: Any,
                                                              client_for: Callable[..., Client]) -> None:
    reader = client_for(people.auditor)
    page = reader.get(page_url(gas)).content.decode()
    assert 'id="rules"' in page and 'id="rule-form"' not in page  # the rules are shown, not the form
    refused = reader.post(f"{page_url(gas)}rules/", {"channel": gas.channel.pk, "kind": "offline",
                                                     "intervals": "5"})
    assert refused.status_code == 422 and "无权修改" in refused.content.decode()
    other = client_for(people.officer_b).post(f"{page_url(gas)}rules/", {"channel": gas.channel.pk,
                                                                         "kind": "offline", "intervals": "5"})
    assert other.status_code == 404
    assert not ChannelRule.objects.exists()
