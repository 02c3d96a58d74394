from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Job applications")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete

        from applications.documents import remove_file_after_commit
        from core.search import register_sqlite_function

        # The list searches fold accents in SQL (core.search); SQLite learns the function here.
        connection_created.connect(register_sqlite_function, dispatch_uid="seuranta_fold")
        # A document's file leaves the storage with its row, however the row is deleted.
        post_delete.connect(
            remove_file_after_commit,
            sender="applications.Document",
            dispatch_uid="seuranta_document_file",
        )
