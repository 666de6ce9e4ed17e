"""Registry pages: /registry/ overview, then list, detail, new, edit, delete and import per slug."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("registry/", views.overview_view, name="overview"),
    path("registry/import-jobs/<uuid:job_id>/", views.import_job_view, name="import_job"),
    path("registry/<slug:slug>/", views.list_view, name="list"),
    path("registry/<slug:slug>/new/", views.create_view, name="create"),
    path("registry/<slug:slug>/import/", views.import_view, name="import"),
    path("registry/<slug:slug>/import/template.csv", views.import_template_view, name="import_template"),
    path("registry/<slug:slug>/<int:pk>/", views.detail_view, name="detail"),
    path("registry/<slug:slug>/<int:pk>/edit/", views.edit_view, name="edit"),
    path("registry/<slug:slug>/<int:pk>/delete/", views.delete_view, name="delete"),
]
