from django.core.management.base import BaseCommand, CommandError, CommandParser

from followups.digest import send_digests
from followups.dispatch import dispatch_due
from followups.tasks import dispatch_lease, dispatch_until_done
from notifications.dispatch import deliver_due


class Command(BaseCommand):
    help = (
        "Send the reminders of due follow-ups, by email and to notification channels: one "
        "dispatch pass (for cron users and tests), or with --until-done as many passes as the "
        "Celery task makes; then the morning digests whose time has come."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Follow-ups claimed per pass (100)."
        )
        parser.add_argument(
            "--until-done",
            action="store_true",
            help="Repeat passes until one finds nothing due, like the periodic task.",
        )

    def handle(self, *args, batch_size: int, until_done: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if until_done:
            delivered = []
            result = dispatch_until_done(batch_size=batch_size, channel_results=delivered)
            channels = delivered[0]
        else:
            lease = dispatch_lease()
            result = dispatch_due(batch_size=batch_size, lease=lease)
            channels = deliver_due(batch_size=batch_size, lease=lease)
        self.stdout.write(str(result))
        self.stdout.write(f"channels: {channels}")
        self.stdout.write(str(send_digests(lease=dispatch_lease())))
