"""Command-centre pages: the one map, and the parts of the platform still being built."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.map_view, name="home"),
    path("map/", views.map_view, name="map"),
    path("eagle-eye/", views.eagle_eye_view, name="eagle_eye"),
    path("apps/", views.applications_view, name="apps"),
    path("safety/enterprises/<int:pk>/", views.enterprise_safety_view, name="enterprise_safety"),
]
