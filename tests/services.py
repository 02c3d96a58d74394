"""Finding the real services the integration tests talk to, or saying clearly why not.

Without REQUIRE_SERVICES a missing service skips the test with a reason; with REQUIRE_SERVICES=1
(as in CI) it fails it, so a green CI run really talked to Redis, PostgreSQL and Chromium.
"""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")
# A database of each pytest-xdist worker's own (gw0 15, gw1 14, …), which the tests empty at
# will: the broker queues and caches of one worker never meet another's, nor an instance's (0).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_TEST_URL} ({exc})")
    return REDIS_TEST_URL


def require_chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return path


VNU_JAR = Path(__file__).resolve().parent / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist"


def require_vnu() -> list[str]:
    """The command that runs the W3C Nu HTML checker (`make test` installs it from npm)."""
    java = shutil.which("java")
    if not java:
        unavailable("Java is not installed (apt-get install default-jre-headless)")
    jar = VNU_JAR / "vnu.jar"
    if not jar.exists():
        unavailable(f"the Nu HTML checker is not installed at {jar} (make vnu)")
    return [java, "-jar", str(jar)]
