from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebpushConfig(AppConfig):
    name = "webpush"
    verbose_name = _("Web push")

    def ready(self) -> None:
        from webpush import checks  # noqa: F401  (registers the VAPID settings check)
        from webpush.target import register_browsers

        # Browsers receive reminders and digests as a notifications target kind.
        register_browsers()
