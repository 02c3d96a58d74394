from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs) -> None:
    # Without REDIS_URL the rate-limit counts live in a database table (settings.CACHES), which
    # no migration creates: every `migrate` (make run, a deployment, the test database) makes
    # sure it exists. A no-op when it does, or when the cache is Redis.
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)
