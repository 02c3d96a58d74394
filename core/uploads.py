"""An upload larger than anything Seuranta accepts is counted, not kept.

Django's own handlers keep every byte of an uploaded file (in memory, then in a temporary file),
however large, before a form can look at its size: a 5 GB upload sent straight to gunicorn
would fill the disk first and be refused after. This handler, first in FILE_UPLOAD_HANDLERS,
passes the bytes on to Django's handlers up to settings.UPLOAD_MAX_BYTES (the largest upload
any form accepts) and past that only counts them. The request is still read to its end, so the
browser gets the page instead of a connection reset, and the form gets an empty file whose size
is the size sent: its own limit check says "larger than N MB" next to the field.

nginx refuses larger bodies before they arrive (deploy/nginx-seuranta.conf); this is for what
reaches gunicorn anyway.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class CappedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self.over = True
        # None: the handlers after this one never see the chunk.
        return None if self.over else raw_data

    def file_complete(self, file_size: int):
        if not self.over:
            return None  # the next handler has the whole file
        return InMemoryUploadedFile(
            io.BytesIO(),
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )
