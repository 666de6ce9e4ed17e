"""Command pages: the incidents list and the command board."""

from django.urls import path

from . import views

app_name = "command"

urlpatterns = [
    path("command/", views.incidents_view, name="incidents"),
    path("command/incidents/<int:pk>/", views.board_view, name="board"),
    path("command/evacuation/<int:pk>/print/", views.evacuation_print_view, name="evacuation_print"),
]
