"""URL map: pages, the Django admin, and the API under /api/v1 with the event stream beside it."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from yingji.command.api import router as command_router
from yingji.core.api import api
from yingji.core.stream import event_stream
from yingji.core.tokens_api import router as tokens_router
from yingji.dashboard.api import router as map_router
from yingji.hazmat.api import router as hazmat_router
from yingji.monitoring.api import router as monitoring_router
from yingji.notify.api import router as notify_router
from yingji.prevention.api import router as prevention_router
from yingji.registry.api import router as registry_router
from yingji.worksafety.api import router as worksafety_router

api.add_router("/auth", tokens_router)
api.add_router("/registry", registry_router)
api.add_router("/map", map_router)
api.add_router("/hazmat", hazmat_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/prevention", prevention_router)
api.add_router("/command", command_router)
api.add_router("/notify", notify_router)
api.add_router("/worksafety", worksafety_router)

urlpatterns = [
    path("api/v1/events/stream", event_stream, name="event_stream"),
    path("api/v1/", api.urls),
    # The admin signs in through our login so the second factor cannot be skipped.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("yingji.core.urls")),
    path("", include("yingji.registry.urls")),
    path("", include("yingji.dashboard.urls")),
    path("", include("yingji.command.urls")),
    path("", include("yingji.monitoring.urls")),
    path("notify/", include("yingji.notify.urls")),
    path("", include("yingji.hazmat.urls")),
    path("", include("yingji.prevention.urls")),
    path("", include("yingji.worksafety.urls")),
]

