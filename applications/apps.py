from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Job applications")

    def ready(self):
        from django.db.backends.signals import connection_created

        from core.search import register_sqlite_function

        # The list searches fold accents in SQL (core.search); SQLite learns the function here.
        connection_created.connect(register_sqlite_function, dispatch_uid="seuranta_fold")
