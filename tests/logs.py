"""Every log line written at any level, as the settings' handlers would get it."""

import contextlib
import io
import logging


@contextlib.contextmanager
def every_log_line():
    """A handler on the root logger, at DEBUG, for the block: the stream it wrote to.

    On the root logger, where the settings' console handler and Celery's are (caplog would not
    do: pytest attaches it to non-propagating loggers like Apprise's too).
    """
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
