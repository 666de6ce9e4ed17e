"""Worksafety pages: permits (list, form, detail with each lifecycle step, print), tools with QR codes, scan."""

from django.urls import path

from . import views

app_name = "worksafety"

urlpatterns = [
    path("worksafety/permits/", views.permit_list_view, name="permits"),
    path("worksafety/permits/new/", views.permit_form_view, name="permit_new"),
    path("worksafety/permits/<int:pk>/", views.permit_detail_view, name="permit"),
    path("worksafety/permits/<int:pk>/edit/", views.permit_form_view, name="permit_edit"),
    path("worksafety/permits/<int:pk>/step/<slug:step>/", views.permit_step_view, name="permit_step"),
    path("worksafety/permits/<int:pk>/print/", views.permit_print_view, name="permit_print"),
    path("worksafety/permits/<int:pk>/pdf/", views.permit_pdf_view, name="permit_pdf"),
    path("worksafety/tools/", views.tool_list_view, name="tools"),
    path("worksafety/tools/<int:pk>/scan/", views.tool_scan_view, name="tool_scan"),
]
