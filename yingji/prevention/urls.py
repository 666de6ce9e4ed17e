"""Prevention pages under /prevention/: enterprise pages, then the supervisor's."""

from django.urls import path

from . import supervision_views, views

app_name = "prevention"

urlpatterns = [
    path("prevention/", supervision_views.county_view, name="county"),
    path("prevention/risk-points/", views.risk_points_view, name="risk_points"),
    path("prevention/risk-points/import/", views.risk_import_view, name="risk_import"),
    path("prevention/hidden-dangers/", views.hidden_dangers_view, name="hidden_dangers"),
    path("prevention/hidden-dangers/<int:pk>/", views.hidden_danger_view, name="hidden_danger"),
    path("prevention/checkpoints/", views.checkpoints_view, name="checkpoints"),
    path("prevention/checkpoints/qr/", views.checkpoint_qr_sheet_view, name="qr_sheet"),
    path("prevention/scan/<str:token>/", views.scan_view, name="scan"),
    path("prevention/inspections/", views.inspections_view, name="inspections"),
    path("prevention/maintenance/", views.maintenance_view, name="maintenance"),
    path("prevention/commitment/", views.commitment_view, name="commitment"),
    path("prevention/supervision/", supervision_views.supervision_view, name="supervision"),
    path("prevention/subscriptions/", supervision_views.subscriptions_view, name="subscriptions"),
]
