"""Settings for Seuranta, read from the environment (see ../shared/design.md and README.md).

Every variable has an embedded default for `make run` except where production needs a real value:
with DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and SITE_URL must be set.

DEBUG is off unless DJANGO_DEBUG=1, so `make run` shows the product's own error pages, never
Django's technical ones that list every URL. Without DJANGO_DEBUG at all the settings are those of
a local run (LOCAL): a generated secret key, localhost, http. Production says DJANGO_DEBUG=0 (the
README, docs/deploy.md and `make prod-local` do) and must then give every production value.
"""

import email.utils
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SEURANTA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no variable and refuse anything that is not clearly one or the other."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value!r}: use 1/0, true/false, yes/no.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Unexpected value {name}={value!r}: expected a whole number."
        ) from None


DEBUG = envbool("DJANGO_DEBUG", False)
LOCAL = DEBUG or not os.environ.get("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if not LOCAL:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    # A local run: generate one key and keep it, so sessions and signed links survive restarts.
    # Written whole under another name, then linked into place: of processes starting at once
    # (a web worker and the Celery worker), the first link wins and every one reads its key,
    # never a half-written file.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")  # mode 0600
        try:
            os.write(fd, secrets.token_urlsafe(50).encode())
            os.close(fd)
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Old keys, still accepted for what they signed or encrypted (sessions, signed links, channel
# URLs) while SECRET_KEY is rotated: comma-separated.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

PORT = envint("PORT", 8000)
if LOCAL:
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
    SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}"
else:
    if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
    if not os.environ.get("SITE_URL"):
        raise ImproperlyConfigured("SITE_URL is required when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    SITE_URL = os.environ["SITE_URL"]
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "accounts",
    "applications",
    "followups",
    "drafts",
    "exports",
    "insights",
    "webpush",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "config.ratelimit.PasswordResetRateLimitMiddleware",
    # Last, as axes requires: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "accounts.context_processors.site",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# No ATOMIC_REQUESTS: a request that only reads must not hold a transaction, least of all on
# SQLite, where every transaction there began with BEGIN IMMEDIATE and so took the one write
# lock: one slow page made every other page wait. Writes take their transaction where they
# write (the services' transaction.atomic, or the view's own block for a form writing several
# rows); reads run in autocommit.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one connection writes; the busy timeout makes a second writer
    # wait for the first instead of failing. IMMEDIATE applies to the explicit atomic blocks
    # only, which are all writers: taking the write lock at BEGIN means two of them queue up
    # behind the busy timeout, where two deferred transactions that both read and then write
    # would deadlock on the upgrade and one would fail at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so that the Celery processes of the integration tests share it;
    # one per test run, so that two runs on one machine do not write into each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "applications:dashboard"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (config/ratelimit.py). The axes backend comes first so that a locked-out
# client is refused before its password is checked; ModelBackend stays for signup's login().
AUTHENTICATION_BACKENDS = [
    "config.ratelimit.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "config.ratelimit.LoginAttemptsHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = envint("LOGIN_IP_FAILURE_LIMIT", 25)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
# Attempts during a lockout do not extend it, so an attacker cannot keep an account locked.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "config.ratelimit.login_username"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "config.ratelimit.lockout_response"
# Successful log-ins are not journaled: nothing reads that table and it would grow forever.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command
PASSWORD_RESET_RATE_LIMIT = envint("PASSWORD_RESET_RATE_LIMIT", 5)
# How many reverse proxies append to X-Forwarded-For in front of gunicorn (0: none, use the
# peer address). Production runs behind one, as SECURE_PROXY_SSL_HEADER already assumes.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0 if LOCAL else 1)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One date style per language (config/formats/<lang>/formats.py); Django's own locale fills in
# the rest (input formats, number separators).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_USER_TIME_ZONE = "Europe/Helsinki"
DEFAULT_USER_COUNTRY = "FI"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]


def _document_storage() -> dict:
    """Where documents (applications.models.Document) are kept: the "default" storage.

    STORAGE_URL names it: file:///srv/seuranta/media for a directory, or
    s3://ACCESS_KEY:SECRET_KEY@bucket/prefix?endpoint_url=https://…&region_name=… for an
    S3-compatible bucket (AWS, MinIO, Garage, Hetzner, UpCloud…). The AWS_* variables that
    django-storages and boto3 know say the same one by one, and win over the URL's parts:
    AWS_STORAGE_BUCKET_NAME (S3 when set), AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_LOCATION (a prefix in the bucket),
    AWS_S3_ADDRESSING_STYLE ("path" for MinIO and other services at one address). Neither:
    var/media/. The files are private either way: the owner's download view reads them and
    streams them; nothing serves MEDIA_ROOT and no bucket object gets a public ACL.
    """
    url = os.environ.get("STORAGE_URL", "")
    parts = urlsplit(url)
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if url and parts.scheme not in ("file", "s3"):
        raise ImproperlyConfigured(
            f"Unexpected value STORAGE_URL={parts.scheme}://…: use file:///path or s3://bucket."
        )
    if parts.scheme != "s3" and not bucket:
        # In MEDIA_ROOT (set below from the same URL), which tests point elsewhere.
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Documents are the person's own: readable by the Seuranta user only.
            "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
        }
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    bucket = bucket or (parts.hostname if parts.scheme == "s3" else "") or ""
    if not bucket:
        raise ImproperlyConfigured("STORAGE_URL=s3://… needs a bucket: s3://bucket/prefix.")

    def pick(variable: str, from_url: str | None) -> str | None:
        return os.environ.get(variable) or from_url or None

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": pick("AWS_LOCATION", parts.path.strip("/")) or "",
            "endpoint_url": pick("AWS_S3_ENDPOINT_URL", query.get("endpoint_url")),
            "region_name": pick("AWS_S3_REGION_NAME", query.get("region_name")),
            # "path" for services without a DNS name per bucket (MinIO, a bare address).
            "addressing_style": pick("AWS_S3_ADDRESSING_STYLE", query.get("addressing_style")),
            # Without keys boto3 looks further (an instance role, ~/.aws): None, not "".
            "access_key": pick("AWS_ACCESS_KEY_ID", unquote(parts.username or "")),
            "secret_key": pick("AWS_SECRET_ACCESS_KEY", unquote(parts.password or "")),
            # Private objects: no ACL header (the bucket's default, private unless made
            # public), signed URLs if a URL were ever made, and a name is never reused.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def _media_root() -> Path:
    url = os.environ.get("STORAGE_URL", "")
    if not url.startswith("file:"):
        return VAR_DIR / "media"
    path = unquote(urlsplit(url).path)
    if not path.startswith("/"):
        raise ImproperlyConfigured("STORAGE_URL=file:… needs an absolute path: file:///srv/….")
    return Path(path)


# Documents are never served from a URL of their own (no MEDIA_URL route, WhiteNoise serves
# STATIC_ROOT only); MEDIA_ROOT is where the file system storage keeps them.
MEDIA_ROOT = _media_root()
STORAGES = {
    "default": _document_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# A local run serves static/ as it is (no collectstatic needed); production the collected files.
WHITENOISE_USE_FINDERS = LOCAL

# Uploads. A document (a CV, a cover letter) is at most DOCUMENT_MAX_BYTES; a Seuranta export to
# import, a zip with its documents, at most IMPORT_MAX_BYTES, and a plain JSON export (or the
# zip's data.json) at most JSON_IMPORT_MAX_BYTES, a fixed limit. The import is kept in its job's
# database row until the worker has run it, so the limit is also what one row may briefly hold.
# Raise either with client_max_body_size in deploy/nginx-seuranta.conf, which refuses larger
# bodies first. Here, not in exports, because the 413 page (config.too_large) states them all.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 100 * 1024 * 1024)
JSON_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Past the largest, an upload is counted and not kept (core.uploads): the form then says it is
# too large, and a huge body sent straight to gunicorn fills neither memory nor the disk.
UPLOAD_MAX_BYTES = max(DOCUMENT_MAX_BYTES, IMPORT_MAX_BYTES, JSON_IMPORT_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: SMTP when EMAIL_URL is set, otherwise one .eml file per message under var/mail/,
# shown to the logged-in user on the local outbox page.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
OUTBOX_DIR = VAR_DIR / "mail"
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
    OUTBOX_ENABLED = False
else:
    EMAIL_BACKEND = "accounts.outbox.OutboxEmailBackend"
    OUTBOX_ENABLED = True
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
# Notification channels (notifications/): the key their URLs are encrypted with at rest is
# derived from CHANNELS_KEY, or from SECRET_KEY (and SECRET_KEY_FALLBACKS, to read) when it is
# empty. Rotating DJANGO_SECRET_KEY without CHANNELS_KEY and without keeping the old key in
# SECRET_KEY_FALLBACKS leaves every stored channel URL unreadable: each channel then asks to be
# entered again (notifications.crypto). The send timeout bounds each connect and each read of
# one channel's message, in the dispatch pass and behind the "Send test" button alike.
CHANNELS_KEY = os.environ.get("CHANNELS_KEY", "")
CHANNELS_KEY_FALLBACKS = env.list("CHANNELS_KEY_FALLBACKS", default=[])
CHANNELS_SEND_TIMEOUT = envint("CHANNELS_SEND_TIMEOUT", 10)
if not 1 <= CHANNELS_SEND_TIMEOUT <= 60:
    raise ImproperlyConfigured(
        f"Unexpected value CHANNELS_SEND_TIMEOUT={CHANNELS_SEND_TIMEOUT}: use 1 to 60 seconds."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "seuranta@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production, kombu's filesystem transport under var/ otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# The cache holds the request counts (core/ratelimit.py: password resets, Send tests, posting
# captures), which every web process must share: a per-process cache let each gunicorn worker
# count alone, so N workers allowed N times the limit. Redis when there is one; otherwise a
# table in the database, created by `migrate` (accounts.apps runs createcachetable after every
# migrate, the test database's included).
# The log-in lockout counts in the database already (axes' AccessAttempt rows).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "seuranta",
        },
        # Cached page fragments ({% cache %} uses this alias when it exists).
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "seuranta-fragments",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "seuranta_cache",
            "KEY_PREFIX": "seuranta",
            # Past MAX_ENTRIES the table drops a third of its rows, live counters included: a
            # flood of distinct addresses must not be able to wipe an IP's count (default 300).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Cached page fragments ({% cache %} uses this alias when it exists). In each process's
        # memory: not the database, where on SQLite a cache write takes the write lock and a
        # page drawn while another person's import holds it would wait for it; not files,
        # whose backend lists its whole directory on every write to decide whether to cull
        # (13 ms a write at 10 000 files, 26 ms at 19 000, on the page the person waits for;
        # no option turns that off). A write here is O(1) at any size (0.02 ms), culling
        # drops the least recently used third. Nothing is lost by not sharing between
        # processes: a fragment's key carries the owner's data version, so no process ever
        # needs another to delete a stale entry; a second web process only draws a fragment
        # once more. A few hundred fragments per process, each at most a board (about 350
        # KB, bounded by the cards per column), keep the memory to tens of MB.
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "seuranta-fragments",
            "OPTIONS": {"MAX_ENTRIES": 300},
        },
    }
# Progress of import jobs (exports.progress): written by the worker while its import's
# transaction is still open, read by every web process. A cache alias of its own, so that it
# never depends on what the default cache is; files under var/ when there is no Redis.
CACHES["progress"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "seuranta",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "progress"),
    }
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task is a trigger: a lost trigger message loses nothing (the due rows wait in the
# database for the next beat tick). Acknowledging late made kombu's Redis transport put the
# running task's message back when Redis restarted, and that crashed the worker (2 of 3
# `make faults` redis-restart runs; none in 55 restarts with early acknowledgement).
CELERY_TASK_ACKS_LATE = False
# How long one import job may run before the worker kills it (exports.tasks.run_import_job). A
# job's lease (exports.models.import_job_lease) is a little longer, so that a job still
# "running" after it has lost its worker and is taken over or marked failed.
IMPORT_JOB_TIME_LIMIT = envint("IMPORT_JOB_TIME_LIMIT", CELERY_TASK_TIME_LIMIT)
# Two lanes of work (issue 26): the dispatch passes have a queue, and a worker process, of their
# own, so that nothing a person can trigger (a Send test to a channel that never answers, a
# flood of imports) can hold the worker the reminders need. Every project task is named here,
# in one place; tests/test_task_routes.py fails for a task that is not, and for a beat entry
# that is not on "dispatch". The Procfile starts one worker per queue.
CELERY_TASK_ROUTES = {
    # The periodic passes of CELERY_BEAT_SCHEDULE (and the dispatch pass's own follow-on task).
    "followups.tasks.dispatch_due_followups": {"queue": "dispatch"},
    "followups.tasks.send_due_digests": {"queue": "dispatch"},
    "followups.tasks.sync_obligations": {"queue": "dispatch"},
    # Only queues the import jobs (on "jobs"); never runs one itself.
    "exports.tasks.resume_import_jobs": {"queue": "dispatch"},
    # What a person's click starts.
    "notifications.tasks.send_email_test": {"queue": "jobs"},
    "notifications.tasks.send_channel_test": {"queue": "jobs"},
    "webpush.tasks.send_browser_test": {"queue": "jobs"},
    "applications.tasks.fetch_posting": {"queue": "jobs"},
    "exports.tasks.run_import_job": {"queue": "jobs"},
}
# A task missing above still runs, in the person-triggered lane: never beside the reminders.
CELERY_TASK_DEFAULT_QUEUE = "jobs"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

FOLLOWUP_DISPATCH_INTERVAL = envint("FOLLOWUP_DISPATCH_INTERVAL", 60)
# How long a dispatch pass owns the follow-ups it claims: those of a worker killed mid-send are
# claimed again this many seconds later. A pass starts rows for half its lease and the last one
# may take EMAIL_TIMEOUT plus a margin (followups.tasks.SAFETY_MARGIN_SECONDS) to send and
# record, so a shorter lease would let another pass claim and send a row still on its way.
FOLLOWUP_DISPATCH_LEASE = envint("FOLLOWUP_DISPATCH_LEASE", 5 * 60)
# The same holds for a channel's message (CHANNELS_SEND_TIMEOUT), which the same pass sends.
_SEND_TIMEOUT = max(EMAIL_TIMEOUT or 0, CHANNELS_SEND_TIMEOUT)
_MIN_DISPATCH_LEASE = 2 * (_SEND_TIMEOUT + 10)
if FOLLOWUP_DISPATCH_LEASE < _MIN_DISPATCH_LEASE:
    _which = (
        f"EMAIL_TIMEOUT={EMAIL_TIMEOUT}"
        if (EMAIL_TIMEOUT or 0) >= CHANNELS_SEND_TIMEOUT
        else f"CHANNELS_SEND_TIMEOUT={CHANNELS_SEND_TIMEOUT}"
    )
    raise ImproperlyConfigured(
        f"FOLLOWUP_DISPATCH_LEASE={FOLLOWUP_DISPATCH_LEASE} is too short for {_which}: "
        f"use at least {_MIN_DISPATCH_LEASE} seconds."
    )
# "Add from posting URL" fetches pages from public addresses only (applications.postings.fetch):
# never this machine, a private network, link-local (cloud metadata) or carrier-grade NAT ranges.
# 1 lifts that rule, for tests and for an intranet's own job board; leave it off on a server whose
# network holds anything a stranger's URL must not reach.
POSTING_FETCH_ALLOW_PRIVATE = envbool("POSTING_FETCH_ALLOW_PRIVATE", False)
# Notification channels (Apprise URLs, Send test) follow the same address policy (core.addresses).
# 1 lets them reach this machine and its private network too: an intranet's own ntfy or Gotify.
CHANNELS_ALLOW_PRIVATE = envbool("CHANNELS_ALLOW_PRIVATE", False)
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-followups": {
        "task": "followups.tasks.dispatch_due_followups",
        "schedule": float(FOLLOWUP_DISPATCH_INTERVAL),
        # Ticks on the interval's boundaries (whole minutes for 60 s), not beat's start time plus
        # n intervals: follow-ups fall due on the minute (calls at 10:00), and are sent then
        # instead of up to an interval later.
        "relative": True,
        # A pass that waits in the queue longer than an interval is superseded by the next one.
        "options": {"expires": float(FOLLOWUP_DISPATCH_INTERVAL)},
    },
    # The morning digests (followups.digest), looked for as often as reminders, so that one
    # goes at its minute; with nobody on the digest, a pass is one query.
    "send-due-digests": {
        "task": "followups.tasks.send_due_digests",
        "schedule": float(FOLLOWUP_DISPATCH_INTERVAL),
        "relative": True,
        "options": {"expires": float(FOLLOWUP_DISPATCH_INTERVAL)},
    },
    # Import jobs whose worker died mid-import (their lease ran out): queued again or marked
    # failed; and jobs whose message a killed worker took with it, queued again
    # (exports.services.import_jobs_resume). With none, a pass is two queries.
    "resume-import-jobs": {
        "task": "exports.tasks.resume_import_jobs",
        "schedule": float(FOLLOWUP_DISPATCH_INTERVAL),
        "options": {"expires": float(FOLLOWUP_DISPATCH_INTERVAL)},
    },
    # A review period that begins with nothing logged still gets its job-search obligation
    # reminder (every data change keeps it in step otherwise).
    "sync-obligations": {
        "task": "followups.tasks.sync_obligations",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}

# Web push (webpush/, issue 14): the VAPID key pair that signs each push (webpush.keys). Unset, a
# key is generated once into var/vapid_private.pem; set VAPID_PRIVATE_KEY (PEM or base64url) when
# several machines send pushes, since browsers accept pushes signed by the key they subscribed
# with only. VAPID_PUBLIC_KEY is derived from it (if set too, it must match). VAPID_SUBJECT is the
# contact push services see: DEFAULT_FROM_EMAIL as a mailto: when that is set, else an https
# SITE_URL, else mailto:seuranta@localhost (fine locally; some push services refuse it).
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or (
    SITE_URL
    if SITE_URL.startswith("https://") and not os.environ.get("DEFAULT_FROM_EMAIL")
    # The address alone: DEFAULT_FROM_EMAIL may be "Seuranta <seuranta@example.com>".
    else f"mailto:{email.utils.parseaddr(DEFAULT_FROM_EMAIL)[1] or DEFAULT_FROM_EMAIL}"
)
# The push services' hosts that browsers' endpoints may name (a name or any subdomain of it):
# Chrome and most others (FCM), Firefox, Safari, Edge. "*" allows any public host.
WEBPUSH_ENDPOINT_HOSTS = env.list(
    "WEBPUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        "android.googleapis.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ],
)
# Tests only, never from the environment: lets endpoints be http:// and local addresses, for
# the tests' stand-in push service on 127.0.0.1 (webpush.endpoints).
WEBPUSH_ALLOW_INSECURE_ENDPOINTS = False
WEBPUSH_TIMEOUT = envint("WEBPUSH_TIMEOUT", 10)

# Production hardening; inert in a local run so that `make run` works over plain http.
if not LOCAL:
    # An http SITE_URL is only for trying production settings locally (`make prod-local`):
    # there a Secure cookie would not come back and HSTS would be wrong, and `check --deploy`
    # says so.
    _https = SITE_URL.startswith("https://")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", _https)
    # Load balancers probe the backend over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365) if _https else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [SITE_URL]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, sent by config.security.SecurityHeadersMiddleware. No inline scripts or
# styles anywhere: every script and stylesheet is a static file (Bootstrap's data: SVG icons are
# images). The outbox's srcdoc iframe needs no frame-src (Chromium loads it even under
# frame-src 'none'); it inherits this policy instead, tested in tests/test_security_headers.py.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The local outbox shows each email as sent, and HTML email only has style attributes to style
# with; its sandboxed frame (no scripts) inherits the page's policy.
CONTENT_SECURITY_POLICY_PER_VIEW = {"outbox_message": {"style-src-attr": "'unsafe-inline'"}}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs every successful log-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # Apprise names a channel's URL, host or token in its own log lines (and urllib3 the
        # request path at DEBUG): none of them may reach a log, as channel URLs are secrets.
        # notifications.sending reads Apprise's words from the result of each call instead.
        # A handler that drops them, so that Python's last-resort stderr handler never shows
        # them either; DEBUG, so that the call's own capture sees a timeout for what it is.
        "apprise": {"handlers": ["null"], "level": "DEBUG", "propagate": False},
        # At DEBUG urllib3 logs every request's path, and a push endpoint's path is its secret
        # (webpush.endpoints.redact), even with LOG_LEVEL=DEBUG.
        "urllib3": {"level": "WARNING"},
    },
}
