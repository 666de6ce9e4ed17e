from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("inbox/", views.inbox_view, name="inbox"),
    path("inbox/read/", views.mark_read_view, name="mark_read"),
    path("deliveries/", views.deliveries_view, name="deliveries"),
]
