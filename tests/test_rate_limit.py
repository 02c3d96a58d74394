"""Password guessing is stopped: log-in lockout per account and IP, password-reset rate limit.

Axes keeps its counts in the database, so each test starts clean (rolled back); the
password-reset counts live in the cache, cleared around every test here.
"""

import datetime
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD
from tests.services import require_redis

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Argon2 is the point in production and a slow loop here: these tests count attempts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, email, password, ip="203.0.113.7", **headers):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **headers
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_few_wrong_passwords_only_show_the_form_error(client, alice):
    for _ in range(4):
        response = log_in(client, alice.email, WRONG)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert log_in(client, alice.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_fifth_wrong_password_locks_the_account_from_that_ip_with_a_clear_page(client, alice):
    for _ in range(4):
        log_in(client, alice.email, WRONG)
    response = log_in(client, alice.email, WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log-in paused" in page
    assert "Try again in 15 minutes" in page
    assert reverse("password_reset") in page
    # Even the right password is refused while the lockout lasts.
    assert log_in(client, alice.email, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_lockout_counts_the_address_in_any_case(client, alice):
    for variant in ["alice@example.com", "ALICE@example.com", " Alice@Example.com"] * 2:
        response = log_in(client, variant, WRONG)
    assert response.status_code == 429


def test_lockout_of_one_account_leaves_other_accounts_and_other_ips_alone(client, alice, bob):
    for _ in range(5):
        log_in(client, alice.email, WRONG)
    assert log_in(client, bob.email, PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, alice.email, PASSWORD, ip="198.51.100.20").status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, alice):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)) as clock:
        for _ in range(5):
            log_in(client, alice.email, WRONG)
        clock.shift(datetime.timedelta(minutes=14))
        assert log_in(client, alice.email, PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=2))
        assert log_in(client, alice.email, PASSWORD).status_code == 302


def test_tries_during_a_lockout_do_not_extend_it(client, alice):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)) as clock:
        for _ in range(5):
            log_in(client, alice.email, WRONG)
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=5))
            log_in(client, alice.email, WRONG)
        clock.shift(datetime.timedelta(minutes=1))
        assert log_in(client, alice.email, PASSWORD).status_code == 302


def test_many_failures_from_one_ip_lock_that_ip_for_every_account(client, settings, bob):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    for number in range(8):
        # A different account each time: no single account reaches its own limit.
        log_in(client, f"guess{number}@example.com", WRONG)
    assert log_in(client, bob.email, PASSWORD).status_code == 429
    assert log_in(client, bob.email, PASSWORD, ip="198.51.100.20").status_code == 302


def test_the_ip_limit_is_higher_than_the_account_limit(settings):
    assert settings.LOGIN_IP_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT == 5


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(client, settings, alice):
    """A forged X-Forwarded-For entry on the left does not escape the lockout."""
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        response = log_in(
            client,
            alice.email,
            WRONG,
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 203.0.113.7",
        )
    assert response.status_code == 429
    other_client = log_in(
        client, alice.email, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other_client.status_code == 302


def test_a_locked_out_json_client_gets_429_not_500(client, alice):
    for _ in range(5):
        response = log_in(client, alice.email, WRONG, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429


def test_test_client_login_without_a_request_still_works(client, alice):
    assert client.login(username=alice.email, password=PASSWORD)


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def reset(client, email, ip="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_is_limited_per_address(client, alice, mailoutbox, clean_cache):
    for number in range(5):
        # From different IPs: only the address ties these together.
        assert reset(client, "alice@example.com", ip=f"198.51.100.{number}").status_code == 302
    response = reset(client, "ALICE@example.com", ip="198.51.100.99")
    assert response.status_code == 429
    assert len(mailoutbox) == 5
    assert "Too many requests" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600


def test_password_reset_is_limited_per_ip(client, clean_cache):
    for number in range(5):
        assert reset(client, f"someone{number}@example.com").status_code == 302
    assert reset(client, "someone-else@example.com").status_code == 429
    assert reset(client, "someone-else@example.com", ip="198.51.100.1").status_code == 302


def test_password_reset_limit_resets_after_the_hour(client, clean_cache):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)) as clock:
        for _ in range(6):
            response = reset(client, "carol@example.com")
        assert response.status_code == 429
        clock.shift(datetime.timedelta(hours=1))
        assert reset(client, "carol@example.com").status_code == 302


def test_password_reset_form_page_itself_is_never_limited(client, clean_cache):
    for _ in range(10):
        reset(client, "dave@example.com")
    assert client.get(reverse("password_reset"), REMOTE_ADDR="203.0.113.7").status_code == 200


@pytest.mark.redis
def test_password_reset_limit_is_shared_through_redis(client, settings):
    """With REDIS_URL every web process counts in one place; the counter expires by itself."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": require_redis(),
            # A prefix of this run's own, and no cache.clear(): that would empty the whole
            # Redis database, which other tests use as their broker.
            "KEY_PREFIX": f"seuranta-test-{uuid.uuid4().hex}",
        }
    }
    for _ in range(5):
        assert reset(client, "erin@example.com").status_code == 302
    assert reset(client, "erin@example.com").status_code == 429


# --- Shared by every process ---------------------------------------------------------------------

# Another web process: its own interpreter, its own settings, the same database (and cache).
OTHER_PROCESS = """
import sys

import django

django.setup()
from django.test import Client
from django.urls import reverse

what, address, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = Client()
if what == "reset":
    url, data = reverse("password_reset"), {"email": address}
else:
    url, data = reverse("login"), {"username": address, "password": "not-the-password"}
for _ in range(times):
    print(client.post(url, data, REMOTE_ADDR=sys.argv[4]).status_code)
"""


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def in_another_process(tmp_path, what: str, address: str, times: int, ip: str) -> list[int]:
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        SEURANTA_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, what, address, str(times), ip],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [int(line) for line in result.stdout.split()]


@pytest.mark.django_db(transaction=True)
def test_password_resets_counted_by_another_process_count_here_too(client, tmp_path):
    """Two gunicorn workers share one count: 3 here and 2 there, and the 6th is refused."""
    for _ in range(3):
        assert reset(client, "frank@example.com").status_code == 302
    assert in_another_process(tmp_path, "reset", "frank@example.com", 2, "198.51.100.7") == [
        302,
        302,
    ]
    assert reset(client, "frank@example.com", ip="198.51.100.8").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_tried_in_another_process_count_towards_the_lockout(
    client, alice, tmp_path
):
    assert in_another_process(tmp_path, "login", alice.email, 2, "203.0.113.7") == [200, 200]
    for _ in range(2):
        assert log_in(client, alice.email, WRONG).status_code == 200
    assert log_in(client, alice.email, WRONG).status_code == 429
    assert log_in(client, alice.email, PASSWORD).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table_the_counts_live_in(settings):
    """Without REDIS_URL the counts are rows of a table no migration makes: migrate makes it."""
    from django.core.management import call_command
    from django.db import connection

    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: the counts are in Redis, not in a table")
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    call_command("migrate", verbosity=0, interactive=False)
    assert table in connection.introspection.table_names()
