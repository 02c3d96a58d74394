"""mixed-load: 8 concurrent clients read and write for 2 minutes while reminders are dispatched.

gunicorn with production settings (2 sync workers, the `make run` default), a Celery worker and
beat on a private Redis, PostgreSQL, all on this 2-core machine. Each client is its own user
with a seeded account (seed_demo) and loops without pause: three times in four it reads a page
(dashboard, applications, one of its applications, interviews, follow-ups, insights); otherwise
it writes through the real forms, CSRF token and all: a new application, or an interview that
ended ten minutes ago, whose thank-you reminder is then due at once and goes through the
worker to the sink during the load. Errors: any answer outside 2xx/3xx, a socket error or
timeout, and a form that did not save (shown again instead of redirecting). Property: errors 0,
and each reminder of an interview logged during the load sent once.
"""

import datetime
import html.parser
import http.client
import http.cookies
import io
import random
import re
import threading
import time
import urllib.parse
import zoneinfo

from bench import common

NAME = "mixed-load"
CLIENTS = 8
SECONDS = 120
WRITE_SHARE = 0.25
SEEDED_APPLICATIONS = 30
READ_PATHS = ("/", "/applications/", "/interviews/", "/followups/", "/insights/")
CREATED = re.compile(r"^/(applications|interviews)/(\d+)/$")
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
PROPERTY = "8 clients, 2 min of reads and form writes: errors 0; their reminders sent once"


class HiddenFields(html.parser.HTMLParser):
    """The hidden inputs of the page's POST form to `action` (the CSRF token, the submission
    key, anything else the form carries), which a browser would send along."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("method") or "").lower() == "post" and (
                attrs.get("action") or self.action
            ) == self.action
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class Client:
    """One browser-like user: its own cookies (session, CSRF, messages), one request at a time."""

    def __init__(self, port: int, number: int, cookie: str):
        self.port = port
        self.number = number
        name, value = cookie.split("=", 1)
        self.cookies = {name: value}
        self.rng = random.Random(number)
        self.applications: list[int] = []
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.reads = self.writes = self.saved = 0

    def request(self, method: str, path: str, form: dict | None = None):
        """(status, Location header, body), or None after recording an error."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(f"{method} {path}: {exc!r}")
            return None
        finally:
            connection.close()
        self.latencies.append(time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if not 200 <= response.status < 400:
            self.errors.append(f"{method} {path}: HTTP {response.status}")
            return None
        return response.status, response.headers.get("Location", ""), text

    def read(self) -> None:
        paths = list(READ_PATHS)
        if self.applications:
            paths.append(f"/applications/{self.rng.choice(self.applications)}/")
        self.reads += 1
        self.request("GET", self.rng.choice(paths))

    def submit(self, path: str, fields: dict) -> None:
        """GET the form, POST it filled in with its hidden fields, and expect the redirect to
        the new row."""
        self.reads += 1
        page = self.request("GET", path)
        if page is None:
            return
        hidden = HiddenFields(path)
        hidden.feed(page[2])
        if "csrfmiddlewaretoken" not in hidden.fields:
            self.errors.append(f"GET {path}: no CSRF token in the form")
            return
        self.writes += 1
        answer = self.request("POST", path, {**hidden.fields, **fields})
        if answer is None:
            return
        status, location, text = answer
        created = CREATED.match(urllib.parse.urlsplit(location).path)
        if status != 302 or created is None:
            invalid = re.findall(r'class="invalid-feedback"[^>]*>\s*<strong>([^<]+)', text)
            self.errors.append(f"POST {path}: not saved ({status}, {invalid[:2]})")
            return
        self.saved += 1
        if created.group(1) == "applications":
            self.applications.append(int(created.group(2)))

    def new_application(self) -> None:
        n = self.writes
        self.submit(
            "/applications/new/",
            {
                "company": f"Loadtest {self.number}-{n} Oy",
                "position": "Backend Developer",
                "status": "applied",
                "source": "Työmarkkinatori",
                "expected_salary": "3600",
                "expected_salary_currency": "EUR",
                "expected_salary_period": "month",
                "offered_salary_currency": "EUR",
                "offered_salary_period": "month",
                "notes": "Applied through the form while the load ran.",
            },
        )

    def log_interview(self) -> None:
        n = self.writes
        # Ended ten minutes ago, in the user's time zone: its thank-you is due now.
        starts = datetime.datetime.now(HELSINKI) - datetime.timedelta(minutes=70)
        self.submit(
            "/interviews/new/",
            {
                "application": "",
                "company": f"Loadtest interview {self.number}-{n} Oy",
                "position": "Data Engineer",
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "60",
                "kind": "video",
                "interviewer-TOTAL_FORMS": "1",
                "interviewer-INITIAL_FORMS": "0",
                "interviewer-0-name": "Maija Meikäläinen",
            },
        )

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            if self.rng.random() < WRITE_SHARE:
                self.rng.choice((self.new_application, self.log_interview))()
            else:
                self.read()


def seed_users() -> list:
    from django.core.management import call_command

    from accounts.models import User

    users = []
    for n in range(CLIENTS):
        email = f"fault-load-{n}@bench.example"
        call_command(
            "seed_demo",
            email=email,
            applications=SEEDED_APPLICATIONS,
            seed=n + 1,
            reset=True,
            stdout=io.StringIO(),  # Its password, not needed: sessions are made directly.
        )
        users.append(User.objects.get(email=email))
    # No quiet hours (the run may be at night) and the thank-you due as the interview ends, so
    # that interviews logged during the load bring reminders due during it.
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        quiet_hours_start=datetime.time(0, 0),
        quiet_hours_end=datetime.time(0, 0),
        thank_you_delay_minutes=0,
    )
    return users


def run(faults) -> dict:
    from applications.models import Application, Interview
    from followups.models import Followup, Kind

    users = seed_users()
    stack = faults.stack(NAME)
    stack.start_worker()
    stack.start_beat()
    port = common.free_port()
    env = {**stack.env, "SITE_URL": f"http://127.0.0.1:{port}"}
    common.start_gunicorn(faults.procs, f"{NAME}-gunicorn", port, env, workers=2)
    common.log(f"{NAME}: {CLIENTS} clients for {SECONDS} s on gunicorn (2 workers)")

    clients = [Client(port, n, common.session_cookie(u)) for n, u in enumerate(users)]
    until = time.monotonic() + SECONDS
    threads = [threading.Thread(target=c.run, args=(until,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started

    reminders = list(
        Followup.objects.filter(
            kind=Kind.THANK_YOU, application__company__startswith="Loadtest interview"
        ).values_list("pk", flat=True)
    )
    faults.wait_arrived(reminders, 120, f"{NAME} reminders")
    faults.settle(reminders, 60)
    stack.stop()
    faults.procs.stop(f"{NAME}-gunicorn")

    latencies = [t for c in clients for t in c.latencies]
    errors = [e for c in clients for e in c.errors]
    saved = sum(c.saved for c in clients)
    in_database = (
        Application.objects.filter(company__startswith="Loadtest ").count()
        - Application.objects.filter(company__startswith="Loadtest interview").count()
        + Interview.objects.filter(application__company__startswith="Loadtest interview").count()
    )
    reminder_counts = faults.counts(reminders)
    figures = {
        "clients": CLIENTS,
        "seconds": round(seconds, 1),
        "requests": len(latencies) + len(errors),
        "requests_per_second": round((len(latencies) + len(errors)) / seconds, 1),
        "reads": sum(c.reads for c in clients),
        "writes": sum(c.writes for c in clients),
        "writes_saved": saved,
        "rows_written_in_database": in_database,
        "errors": len(errors),
        "first_errors": errors[:5],
        "latency_p50_ms": round(common.percentile(latencies, 50) * 1000),
        "latency_p99_ms": round(common.percentile(latencies, 99) * 1000),
        "reminders": reminder_counts,
    }
    met = (
        not errors
        and saved == figures["writes"]
        and in_database == saved
        and reminder_counts["lost"] == 0
        and reminder_counts["duplicated"] == 0
    )
    return {
        "name": NAME,
        "property": PROPERTY,
        "figures": figures,
        "met": met,
        "summary": f"errors {len(errors)} in {figures['requests']} requests "
        f"({figures['writes']} writes, p99 {figures['latency_p99_ms']} ms); reminders sent "
        f"{reminder_counts['sent']}, duplicated {reminder_counts['duplicated']}, lost "
        f"{reminder_counts['lost']}",
    }
