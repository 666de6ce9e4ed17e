"""Notify in the Django admin: channels and rules are changed through the audited services, the secret is
never shown; deliveries and inbox messages are read-only records written by the worker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from . import services
from .models import Channel, Delivery, InboxMessage, RoutingRule


class ChannelForm(forms.ModelForm):
    """The secret is write-only: the field starts empty and an empty value keeps the stored one."""

    secret = forms.CharField(label="密钥", required=False, widget=forms.PasswordInput(render_value=False),
                             help_text="留空则保留原密钥；保存后不再显示")

    class Meta:
        model = Channel
        fields = services.CHANNEL_FIELDS


@admin.register(Channel)
class ChannelAdmin(ServiceBackedAdmin):
    form = ChannelForm
    list_display = ("name", "kind", "masked", "is_active", "owner_department", "max_attempts")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "note")
    service_fields = services.CHANNEL_FIELDS
    actions = ("send_test",)

    @admin.action(description="发送测试消息")
    def send_test(self, request: HttpRequest, queryset: Any) -> None:
        for channel in queryset:
            for d in services.send_test(channel, actor=request.user):
                level = messages.SUCCESS if d.status == "sent" else messages.ERROR
                outcome = d.get_status_display() + (f"：{d.last_error}" if d.last_error else "")
                self.message_user(request, f"{channel.name} → {d.recipient or '群'}：{outcome}", level)

    @admin.display(description="地址")
    def masked(self, obj: Channel) -> str:
        return services.masked_url(obj.url)

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> Channel:
        return services.create_channel(data, [], actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> Channel:
        return services.update_channel(obj, data, None, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        services.delete_channel(obj, actor=actor)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ServiceBackedAdmin):
    list_display = ("name", "domain", "kinds", "min_level", "area_prefix", "department", "is_active")
    list_filter = ("domain", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("channels",)
    service_fields = (*services.RULE_FIELDS, "channels")

    @staticmethod
    def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[int] | None]:
        fields = {k: v for k, v in data.items() if k != "channels"}
        channels = [c.pk for c in data["channels"]] if "channels" in data else None
        return fields, channels

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> RoutingRule:
        fields, channels = self._split(data)
        return services.create_rule(fields, channels or [], actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> RoutingRule:
        fields, channels = self._split(data)
        return services.update_rule(obj, fields, channels, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        services.delete_rule(obj, actor=actor)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has set the channels already; the admin must not set them a second time."""


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("created_at", "title", "channel", "recipient", "status", "attempts", "response_code",
                    "sent_at")
    list_filter = ("status", "domain", "channel__kind")
    search_fields = ("title", "source_key", "recipient")
    list_select_related = ("channel",)


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each user sees only their own messages here too."""

    list_display = ("created_at", "title", "user", "level", "read_at")
    list_filter = ("domain",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(user=request.user)
