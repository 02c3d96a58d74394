from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config.health import healthz
from config.pwa import service_worker
from config.too_large import upload_too_large

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sw.js", service_worker, name="service_worker"),
    # What nginx shows for an upload over its limit (deploy/nginx-seuranta.conf).
    path("upload-too-large/", upload_too_large, name="upload_too_large"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("followups/", include("followups.urls")),
    path("drafts/", include("drafts.urls")),
    path("data/", include("exports.urls")),
    path("insights/", include("insights.urls")),
    path("push/", include("webpush.urls")),
    path("channels/", include("notifications.urls")),
    # Visitors who are not logged in choose their language too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("applications.urls")),
]
