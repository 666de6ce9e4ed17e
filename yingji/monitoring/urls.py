"""Monitoring pages: the alarm console and the device page."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/alarms/", views.alarm_console, name="alarm_console"),
    path("monitoring/devices/<int:pk>/", views.device_page, name="device"),
]
