from django.conf import settings


def site(request):
    return {"OUTBOX_ENABLED": settings.OUTBOX_ENABLED, "SITE_URL": settings.SITE_URL}
