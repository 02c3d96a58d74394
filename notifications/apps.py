from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notification channels")

    def ready(self) -> None:
        # Reminders and digests reach the channels and browsers through the engine's
        # announcements (followups.announce), which imports no delivery app.
        from followups.announce import subscribe
        from notifications.subscriber import ChannelsSubscriber

        subscribe(ChannelsSubscriber())
