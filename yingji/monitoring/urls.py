"""Monitoring pages: the alarm console and the device page."""

from django.urls import path

from . import channel_views, device_views, rule_views, views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/alarms/", views.alarm_console, name="alarm_console"),
    path("monitoring/devices/", device_views.device_list, name="devices"),
    path("monitoring/devices/import/", device_views.import_devices_view, name="device_import"),
    path("monitoring/devices/<int:pk>/", views.device_page, name="device"),
    path("monitoring/devices/<int:pk>/channels/", channel_views.save_channel, name="device_channel_save"),
    path("monitoring/devices/<int:pk>/rules/", rule_views.save_rule, name="device_rule_save"),
    path("monitoring/devices/<int:pk>/rules/<int:rule_pk>/delete/", rule_views.delete_rule,
         name="device_rule_delete"),
]
