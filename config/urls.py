from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("followups/", include("followups.urls")),
    path("drafts/", include("drafts.urls")),
    path("data/", include("exports.urls")),
    path("insights/", include("insights.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("applications.urls")),
]
