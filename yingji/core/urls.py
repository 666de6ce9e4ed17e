from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/second-factor/", views.second_factor_view, name="second_factor"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_log_view, name="audit_log"),
    path("audit/export.<str:fmt>", views.audit_log_export_view, name="audit_log_export"),
]
