"""The settings every test runs under: the application's own, with a var/ of this process's own.

pytest-xdist runs the suite in several processes at once. Each one (and the controller) gets a
fresh directory under var/test/ for what the settings keep on disk (the fragment and progress
caches, the filesystem broker, the SQLite test database, the secret key, media), so that no
two workers, no second `make test` and no `make run` beside them share a file. The child
processes a test starts (Celery, manage.py) inherit these settings and that directory, unless
the test gives them a SEURANTA_VAR_DIR of their own: SEURANTA_TEST_VAR_FOR names the process
(the xdist worker, or "main") whose directory the environment holds, so a worker, which
inherits the controller's environment, still makes its own.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")
if not (os.environ.get("SEURANTA_TEST_VAR_FOR") == _PROCESS and os.environ.get("SEURANTA_VAR_DIR")):
    _test_var = Path(__file__).resolve().parent.parent / "var" / "test"
    _test_var.mkdir(parents=True, exist_ok=True)
    os.environ["SEURANTA_VAR_DIR"] = tempfile.mkdtemp(prefix=f"{_PROCESS}-", dir=_test_var)
    os.environ["SEURANTA_TEST_VAR_FOR"] = _PROCESS
    atexit.register(shutil.rmtree, os.environ["SEURANTA_VAR_DIR"], ignore_errors=True)

from config.settings import *  # noqa: E402, F403

# Argon2 is deliberately slow; tests check behaviour, not the hash's cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
