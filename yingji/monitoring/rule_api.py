"""A channel's rules through the API (mounted in monitoring/api.py): what is in force, and the channel's own
rules added, changed and removed. Thin: scope, call channel_rules, shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from . import channel_rules, queries
from .models import ChannelRule
from .rule_binding import rules_in_force
from .rules.custom import FIELDS

router = Router(tags=["monitoring"])
_PARAMS_DOC = "；".join(f"{kind.value}: {', '.join(fields)}" for kind, fields in FIELDS.items())


class ChannelRuleIn(Schema):
    kind: str = Field(..., description="threshold 分级阈值 · rate 变化率 · offline 无数据 · flat_line 卡滞 · "
                                       "range 有效范围")
    name: str = Field("", max_length=100, description="报警内容中的名称；阈值和变化率规则必填")
    params: dict[str, Any] = Field(default_factory=dict, description=f"各类型的参数：{_PARAMS_DOC}")


class ChannelRulePatch(Schema):
    name: str | None = Field(None, max_length=100)
    params: dict[str, Any] | None = Field(None, description="整体替换参数；省略则不变")


class RuleOut(Schema):
    rule_id: str
    kind: str
    kind_label: str
    name: str
    params: dict[str, Any]
    text: str = Field(..., description="给人看的一行说明")
    source: str = Field(..., description="pack 规则包 · channel 本通道自定义")
    id: int | None = Field(..., description="自定义规则的编号（规则包的为 null）")


class ChannelRulesOut(Schema):
    channel: int
    unit: str
    rules: list[RuleOut]


class OwnRuleOut(Schema):
    id: int
    channel: int
    kind: str
    name: str
    params: dict[str, Any]
    rule_id: str


@router.get("/channels/{pk}/rules", response=ChannelRulesOut, summary="通道生效的规则（规则包与自定义）")
def list_rules(request: HttpRequest, pk: int) -> dict[str, Any]:
    return rules_in_force(queries.visible_channel(request.user, pk))


@router.post("/channels/{pk}/rules", response={201: OwnRuleOut}, summary="为通道新增自定义规则（下一批读数起生效）")
def add_rule(request: HttpRequest, pk: int, payload: ChannelRuleIn) -> Status[dict[str, Any]]:
    """无数据、卡滞、有效范围规则每通道一条，替换规则包中的同类规则；阈值和变化率规则与规则包的并存。"""
    channel = queries.channel_for_rule_change(request.user, pk)
    rule = channel_rules.add_rule(channel, actor=request.user, kind=payload.kind, name=payload.name,
                                  params=payload.params)
    return Status(201, rule.as_dict())


@router.patch("/channel-rules/{pk}", response=OwnRuleOut, summary="修改通道自定义规则")
def change_rule(request: HttpRequest, pk: int, payload: ChannelRulePatch) -> dict[str, Any]:
    rule: ChannelRule = queries.channel_rule_for_change(request.user, pk)
    changed = channel_rules.change_rule(
        rule, actor=request.user, name=rule.name if payload.name is None else payload.name,
        params=rule.params if payload.params is None else payload.params)
    return changed.as_dict()


@router.delete("/channel-rules/{pk}", response={204: None}, summary="删除通道自定义规则")
def remove_rule(request: HttpRequest, pk: int) -> Status[None]:
    channel_rules.remove_rule(queries.channel_rule_for_change(request.user, pk), actor=request.user)
    return Status(204, None)

