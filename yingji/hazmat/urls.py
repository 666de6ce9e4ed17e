"""Hazmat pages: the catalogue, major hazards and unit working, the ledger, discrepancies, batch traces."""

from django.urls import path

from . import views

app_name = "hazmat"

urlpatterns = [
    path("hazmat/chemicals/", views.chemicals_view, name="chemicals"),
    path("hazmat/major-hazards/", views.major_hazards_view, name="major_hazards"),
    path("hazmat/units/<int:pk>/", views.unit_view, name="unit"),
    path("hazmat/import/", views.import_inventories_view, name="import"),
    path("hazmat/ledger/", views.ledger_view, name="ledger"),
    path("hazmat/ledger/movements/", views.record_movement_view, name="record_movement"),
    path("hazmat/ledger/stocktakes/", views.record_stocktake_view, name="record_stocktake"),
    path("hazmat/ledger/waybills/", views.record_waybill_view, name="record_waybill"),
    path("hazmat/ledger/movements/<int:pk>/answer/", views.answer_transfer_view, name="answer_transfer"),
    path("hazmat/ledger/discrepancies/", views.discrepancies_view, name="discrepancies"),
    path("hazmat/ledger/batches/<int:pk>/", views.trace_view, name="trace"),
]
