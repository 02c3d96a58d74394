"""`manage.py check` (and every start) refuses VAPID settings that could not sign a push."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from webpush import keys


@checks.register(checks.Tags.security)
def vapid_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.conf import settings

    problems = []
    try:
        keys.subject()
    except ImproperlyConfigured as error:
        problems.append(checks.Error(str(error), id="webpush.E001"))
    # A key from the settings is checked here; a generated one is made on first use instead,
    # so that `check` does not write under var/.
    if settings.VAPID_PRIVATE_KEY or settings.VAPID_PUBLIC_KEY:
        try:
            keys.vapid()
        except ImproperlyConfigured as error:
            problems.append(checks.Error(str(error), id="webpush.E002"))
    return problems
