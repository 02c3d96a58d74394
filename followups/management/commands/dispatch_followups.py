from django.core.management.base import BaseCommand, CommandError, CommandParser

from followups import announce
from followups.digest import send_digests
from followups.dispatch import dispatch_due
from followups.tasks import dispatch_lease, dispatch_until_done


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
            passes = delivered[0]
        else:
            lease = dispatch_lease()
            result = dispatch_due(batch_size=batch_size, lease=lease)
            passes = announce.deliver_due(batch_size=batch_size, deadline=None, lease=lease)
        self.stdout.write(str(result))
        # The subscribers' passes by name ("channels: claimed 1, sent 1, …").
        for name, passed in passes.items():
            self.stdout.write(f"{name}: {passed}")
        self.stdout.write(str(send_digests(lease=dispatch_lease())))
