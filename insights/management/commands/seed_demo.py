"""A living demo account: `python manage.py seed_demo --email demo@example.com --applications 40`.

A made-up past, written through the same bulk services as the JSON import's restore
(applications.services.applications_restore and the like), so no row is written past them:
every application's timeline starts with its first status and ends with its current one, an
interview moves the application to interviewing, each interview gets the preparation checklist
of the question bank, and the follow-ups are made by the real sync
(followups_sync_applications) or, for finished history, from the same policy function
(policy.wanted_followups), never invented here. 10 000 applications in well under a minute.
Deterministic for a --seed.
"""

from __future__ import annotations

import collections
import datetime
import random
import time
import unicodedata
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from applications import services as app_services
from applications.models import (
    FINAL_OUTCOME_STATUSES,
    Application,
    BankQuestion,
    Contact,
    FeedbackEntry,
    Interview,
    InterviewKind,
    InterviewOutcome,
    PrepItem,
    StatusChange,
)
from applications.services import question_bank_seed
from drafts.services import draft_generate
from followups import policy
from followups import services as followup_services
from followups.models import Followup, State
from followups.services import ENDED_STATUSES

DEFAULT_PASSWORD = "seuranta-demo"
BATCH = 1000
DRAFTS = 12
# Applications with an interview or an outcome in the last LIVE_DAYS get the real follow-up sync.
LIVE_DAYS = 21

COMPANIES = [
    ("Kone Oyj", "Espoo"),
    ("Wolt", "Helsinki"),
    ("Supercell", "Helsinki"),
    ("Nokia", "Espoo"),
    ("Reaktor", "Helsinki"),
    ("Vincit", "Tampere"),
    ("Kesko Oyj", "Helsinki"),
    ("Fazer", "Vantaa"),
    ("Valio", "Helsinki"),
    ("Fiskars", "Helsinki"),
    ("Elisa", "Helsinki"),
    ("Telia Finland", "Helsinki"),
    ("OP Ryhmä", "Helsinki"),
    ("Nordea", "Helsinki"),
    ("Sanoma", "Helsinki"),
    ("Posti", "Helsinki"),
    ("Finnair", "Vantaa"),
    ("Metso", "Tampere"),
    ("Wärtsilä", "Vaasa"),
    ("Futurice", "Tampere"),
    ("Solita", "Oulu"),
    ("Tietoevry", "Espoo"),
    ("Relex Solutions", "Helsinki"),
    ("Oura", "Oulu"),
    ("Spotify", "Stockholm"),
    ("Klarna", "Stockholm"),
    ("Zalando", "Berlin"),
    ("SAP", "Walldorf"),
    ("Booking.com", "Amsterdam"),
    ("Adyen", "Amsterdam"),
    ("GitLab", "Remote"),
    ("Shopify", "Remote"),
    ("Google", "Zürich"),
    ("Microsoft", "Espoo"),
    ("Unity", "Copenhagen"),
    ("Ericsson", "Jorvas"),
]
POSITIONS = [
    "Backend Developer",
    "Frontend Developer",
    "Full Stack Developer",
    "Data Engineer",
    "Data Analyst",
    "DevOps Engineer",
    "QA Engineer",
    "Product Manager",
    "UX Designer",
    "Ohjelmistokehittäjä",
    "Projektipäällikkö",
    "Asiakaspalvelun asiantuntija",
    "Controller",
    "HR Specialist",
    "Sales Manager",
    "Machine Learning Engineer",
]
STREETS = ["Keskuskatu 1", "Mannerheimintie 12", "Hämeenkatu 5", "Main Street 5"]
SOURCES = ["Duunitori", "LinkedIn", "Työmarkkinatori", "Oikotie", "Company website", "Referral"]
FIRST_NAMES = ["Maija", "Matti", "Anna", "Juha", "Laura", "Mikko", "Sofia", "Jussi", "Emma", "Sara"]
LAST_NAMES = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lehtonen", "Smith", "Müller", "Berg"]
ROLES = ["Recruiter", "Engineering Manager", "Team Lead", "HR Partner", "CTO"]
FEEDBACK = [
    "Strong technical answers; say more about teamwork next time.",
    "We chose a candidate with more domain experience.",
    "Good cultural fit, but the salary expectation was above our range.",
    "Hyvät vastaukset, mutta haimme kokeneempaa henkilöä.",
]

# Where each application's story ends, with weights: most applications never get far.
PATHS = [
    (["saved"], 5),
    (["applied"], 28),
    (["applied", "no_response"], 20),
    (["applied", "rejected"], 15),
    (["applied", "interviewing"], 14),
    (["applied", "interviewing", "rejected"], 10),
    (["applied", "interviewing", "offer"], 4),
    (["applied", "interviewing", "offer", "accepted"], 2),
    (["applied", "withdrawn"], 2),
]


def _ascii(name: str) -> str:
    """Mäkinen → makinen: an address the email validator (and so the import) accepts."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


@dataclass
class Story:
    app: Application
    steps: list[tuple[str, datetime.datetime]]
    interviews: list[Interview] = field(default_factory=list)
    contact: Contact | None = None
    number: int = 0  # its place in the seed, for unique demo addresses


class Command(BaseCommand):
    help = "Create (or fill) a demo account with realistic applications, interviews and follow-ups."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--applications", type=int, default=40)
        parser.add_argument(
            "--password", default=None, help=f"default for a new user: {DEFAULT_PASSWORD}"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--reset", action="store_true", help="delete the account's data first")

    def handle(self, *args, email, applications, password, seed, reset, **options):
        if applications < 0:
            raise CommandError("--applications must be 0 or more.")
        started = time.monotonic()
        rng = random.Random(seed)
        user, created = self._user(email, password)
        if reset:
            Application.objects.filter(owner=user).delete()
            Contact.objects.filter(owner=user).delete()
        question_bank_seed(user=user)
        stories = self._seed(user, applications, rng)
        with transaction.atomic():  # one commit, not one per application
            self._followups(user, stories, rng)
            drafts = self._drafts(user, stories)
        self._refresh_statistics()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{'Created' if created else 'Filled'} {user.email}: {len(stories)} applications, "
            f"{sum(len(s.interviews) for s in stories)} interviews, "
            f"{Followup.objects.filter(owner=user).count()} follow-ups, {drafts} drafts "
            f"in {elapsed:.1f} s."
        )
        if created:
            self.stdout.write(
                f"Log in as {user.email} with password {password or DEFAULT_PASSWORD}"
            )

    def _refresh_statistics(self) -> None:
        """Bring the query planner's statistics up to date with what was just loaded.

        PostgreSQL's advice after a bulk load: until ANALYZE runs, the planner takes a table of
        10 000 fresh rows for an empty one and picks plans that read and sort every row of an
        account (the dashboard's counts took 15 ms instead of 2). VACUUM also marks the pages
        all-visible, which lets a count be answered from an index alone. Autovacuum does both
        within a minute on a normal server, but not before the first page view, and not at all
        where it is turned off (as on this project's CI machines).
        """
        models = [
            Application,
            Application.contacts.through,
            StatusChange,
            Contact,
            Interview,
            Interview.interviewers.through,
            PrepItem,
            FeedbackEntry,
            Followup,
        ]
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("ANALYZE")
            elif connection.in_atomic_block:
                # VACUUM cannot run inside a transaction (a test's); ANALYZE can.
                cursor.execute(f"ANALYZE {tables}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def _user(self, email: str, password: str | None) -> tuple[User, bool]:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            user = User.objects.create_user(
                email, password or DEFAULT_PASSWORD, display_name="Demo User", language="en"
            )
            return user, True
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        return user, False

    # --- Applications, timelines, interviews -----------------------------------------------------

    def _moment(self, rng: random.Random, day: datetime.date, tz) -> datetime.datetime:
        local = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])), tzinfo=tz
        )
        return local.astimezone(datetime.UTC)

    def _story(self, user, rng: random.Random, now: datetime.datetime, tz) -> Story:
        company, city = rng.choice(COMPANIES)
        path = rng.choices([p for p, _w in PATHS], weights=[w for _p, w in PATHS])[0]
        today = now.astimezone(tz).date()
        # Later stages need time to have happened: older applications go further.
        age = rng.randint(3 + 10 * (len(path) - 1), 150)
        applied_on = today - datetime.timedelta(days=age)
        steps: list[tuple[str, datetime.datetime]] = []
        if path[0] == "saved" or rng.random() < 0.3:
            steps.append(
                (
                    "saved",
                    self._moment(rng, applied_on - datetime.timedelta(days=rng.randint(1, 5)), tz),
                )
            )
        day = applied_on
        for status in path:
            if status == "saved":
                continue
            if status != "applied":
                day = min(
                    today, day + datetime.timedelta(days=rng.randint(3, max(4, age // len(path))))
                )
            steps.append((status, min(now, self._moment(rng, day, tz))))
        status, changed_at = steps[-1]
        salary = rng.choice([None, None, rng.randrange(2600, 6500, 100)])
        app = Application(
            owner=user,
            company=company,
            position=rng.choice(POSITIONS),
            location=city,
            source=rng.choice(SOURCES),
            posting_url=f"https://jobs.example.com/{rng.randrange(10**6, 10**7)}",
            status=status,
            status_changed_at=changed_at,
            applied_on=None if status == "saved" else applied_on,
            expected_salary=salary,
            offered_salary=(salary or 4000) + 200 if status in ("offer", "accepted") else None,
            notes=rng.choice(
                ["", "", "Sounds like a great team.", "Hakemus lähetetty sähköpostilla."]
            ),
        )
        return Story(app=app, steps=steps)

    def _seed(self, user, count: int, rng: random.Random) -> list[Story]:
        now = timezone.now()
        tz = user.tzinfo
        stories = [self._story(user, rng, now, tz) for _ in range(count)]
        for number, story in enumerate(stories):
            story.number = number
        # Company, position and date applied are an application's natural key: an import of
        # the account's export takes two equal ones for one. A demo account must restore as it
        # is, so a repeat becomes a second opening (no extra draw: the rest stays the same).
        seen: collections.Counter = collections.Counter()
        for story in stories:
            app = story.app
            seen[(app.company.casefold(), app.position.casefold(), app.applied_on)] += 1
            repeat = seen[(app.company.casefold(), app.position.casefold(), app.applied_on)]
            if repeat > 1:
                app.position = f"{app.position} ({repeat})"
        # One posting still to apply for, with its deadline a week and a half ahead: its apply-by
        # reminder comes from the real sync (_followups). No draw from rng: the rest stays the
        # same for a seed.
        waiting = next((s for s in stories if s.app.status == "saved"), None)
        if waiting is not None:
            waiting.app.apply_by = now.astimezone(tz).date() + datetime.timedelta(days=10)
        bank = list(BankQuestion.objects.filter(owner=user).values_list("question", flat=True))
        with transaction.atomic():
            for start in range(0, len(stories), BATCH):
                self._write(user, stories[start : start + BATCH], rng, now, tz, bank)
        return stories

    def _write(self, user, stories: list[Story], rng, now, tz, bank) -> None:
        """One batch of stories, through the same bulk services as the JSON import's restore."""
        people, with_contact = [], []
        for story in stories:
            if story.app.status != "saved" and rng.random() < 0.6:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                domain = "".join(ch for ch in _ascii(story.app.company) if ch.isalnum())[:20]
                people.append(
                    {
                        "name": f"{first} {last}",
                        "role": rng.choice(ROLES),
                        "company": story.app.company,
                        "email": f"{_ascii(first)}.{_ascii(last)}.{story.number}@{domain}.example",
                        "phone": f"+358 40 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
                    }
                )
                with_contact.append(story)
        found = app_services.contacts_find_or_create(owner=user, people=people)
        for story, (contact, _created) in zip(with_contact, found, strict=True):
            story.contact = contact

        entries = []
        for story in stories:
            history, previous = [], ""
            for status, at in story.steps:
                history.append(StatusChange(status=status, previous_status=previous, changed_at=at))
                previous = status
            entries.append((story.app, history, [story.contact] if story.contact else []))
        app_services.applications_restore(entries=entries)

        interviews = []
        for story in stories:
            for interview in self._interviews(user, story, rng, now, tz):
                checklist = [
                    PrepItem(
                        question=question,
                        position=n,
                        answer=rng.choice(["", "Prepared an example from my last project."])
                        if interview.starts_at < now
                        else "",
                        done=interview.starts_at < now,
                    )
                    for n, question in enumerate(bank)
                ]
                people = [story.contact] if story.contact else []
                interviews.append((interview, people, checklist))
        app_services.interviews_restore(entries=interviews)
        app_services.feedback_restore(
            entries=[
                FeedbackEntry(
                    owner=user,
                    application=s.app,
                    received_on=s.steps[-1][1].astimezone(tz).date(),
                    from_whom=s.contact.name if s.contact else "Recruiter",
                    text=rng.choice(FEEDBACK),
                    constructive=rng.random() < 0.7,
                    lessons=rng.choice(["", "Prepare a shorter project story."]),
                )
                for s in stories
                if s.app.status in ("rejected", "offer", "accepted")
                and s.interviews
                and rng.random() < 0.6
            ]
        )

    def _interviews(self, user, story: Story, rng, now, tz) -> list[Interview]:
        stamps = dict(story.steps)
        if "interviewing" not in stamps:
            return []
        start_day = stamps["interviewing"].astimezone(tz).date()
        outcome_at = next(
            (at for status, at in story.steps if status in ("offer", "rejected")), None
        )
        rounds = rng.choice([1, 1, 2])
        if outcome_at is None and story.app.status == "interviewing" and rng.random() < 0.6:
            # Still in progress: the next interview is ahead.
            start_day = now.astimezone(tz).date() + datetime.timedelta(days=rng.randint(1, 14))
            rounds = 1
        interviews = []
        day = start_day + datetime.timedelta(days=rng.randint(1, 4))
        for n in range(rounds):
            starts = datetime.datetime.combine(
                day, datetime.time(rng.choice([9, 10, 13, 14, 15]), rng.choice([0, 30])), tzinfo=tz
            )
            if outcome_at is not None and starts >= outcome_at:
                if n:
                    break
                # The one interview fell between the invitation and the answer.
                starts = (
                    stamps["interviewing"] + (outcome_at - stamps["interviewing"]) * 0.5
                ).replace(minute=0, second=0, microsecond=0)
            kind = rng.choice(InterviewKind.values)
            last = n == rounds - 1
            outcome = ""
            if outcome_at is not None and last:
                outcome = (
                    InterviewOutcome.REJECTED
                    if story.app.status == "rejected"
                    else InterviewOutcome.OFFER
                )
            elif not last:
                outcome = InterviewOutcome.NEXT_ROUND
            interviews.append(
                Interview(
                    owner=user,
                    application=story.app,
                    starts_at=starts,
                    duration_minutes=rng.choice([30, 45, 60, 60, 90]),
                    kind=kind,
                    location="https://meet.example.com/" + str(rng.randrange(10**5, 10**6))
                    if kind == InterviewKind.VIDEO
                    else f"{story.app.location}, {rng.choice(STREETS)}",
                    outcome=outcome if starts < now else "",
                    reflection=rng.choice(["", "Went well; they liked the portfolio."])
                    if starts < now
                    else "",
                )
            )
            day += datetime.timedelta(days=rng.randint(5, 10))
        story.interviews = interviews
        return interviews

    # --- Follow-ups and drafts --------------------------------------------------------------

    def _followups(self, user, stories: list[Story], rng: random.Random) -> None:
        """Follow-ups by the real sync for what is still live; older history by the same policy.

        The sync costs a few dozen queries per application; running it over months of finished
        history would make 10 000 applications take minutes. Finished history gets the rows the
        sync would have made (same policy functions, same one-per-kind rules), already closed.
        """
        now = timezone.now()
        horizon = now - datetime.timedelta(days=LIVE_DAYS)
        prefs = policy.Preferences.from_user(user)
        live, history = [], []
        for story in stories:
            final = story.app.status in FINAL_OUTCOME_STATUSES
            if story.app.apply_by and story.app.status == "saved":
                live.append(story)  # its deadline's reminder
                continue
            if story.app.status in ENDED_STATUSES or not (story.interviews or final):
                continue
            recent = any(i.starts_at >= horizon for i in story.interviews) or (
                final and story.app.status_changed_at >= horizon
            )
            if recent:
                live.append(story)
            else:
                history += self._past_followups(user, story, prefs, final, rng, now)
        followup_services.followups_restore(followups=history)
        followup_services.followups_sync_applications(
            application_ids=[story.app.pk for story in live]
        )
        # Reminders of the live ones already due: handled as a user would (mostly done on time)
        # rather than all firing at the first dispatch pass.
        past = list(Followup.objects.filter(owner=user, state=State.SCHEDULED, due_at__lt=now))
        for followup in past:
            self._close(followup, rng, now)
        followup_services.followups_record_history(followups=past)

    def _close(self, followup: Followup, rng: random.Random, now: datetime.datetime) -> None:
        followup.notified_at = followup.due_at
        if rng.random() < 0.8:
            late = datetime.timedelta(hours=rng.choice([1, 3, 20, 30, 72]))
            followup.close(State.DONE, now=min(now, followup.due_at + late))
        else:
            late = datetime.timedelta(hours=5)
            followup.close(State.SKIPPED, now=min(now, followup.due_at + late))

    def _past_followups(self, user, story: Story, prefs, final: bool, rng, now) -> list[Followup]:
        """The rows the sync would have made (policy.wanted_followups), already closed."""
        app = story.app
        wanted = policy.wanted_followups(
            interviews=[(interview, interview.ends_at) for interview in story.interviews],
            prefs=prefs,
            final=final,
            decision_date=app.decision_expected_on,
            outcome_recorded_at=app.status_changed_at,
        )
        rows = []
        for want in wanted:
            if want.due_at >= now:
                continue
            row = Followup(owner=user, application=app, interview=want.interview, kind=want.kind)
            row.schedule(want.due_at, now=want.due_at)
            self._close(row, rng, now)
            rows.append(row)
        return rows

    def _drafts(self, user, stories: list[Story]) -> int:
        made = 0
        recent = sorted(
            (i for s in stories for i in s.interviews), key=lambda i: i.starts_at, reverse=True
        )
        for interview in recent[:DRAFTS]:
            _draft, created = draft_generate(
                owner=user,
                kind="thank_you",
                application=interview.application,
                interview=interview,
                language=user.language or "en",
            )
            made += created
        return made
