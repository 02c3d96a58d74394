"""`manage.py seed_demo` fills an account with a realistic, consistent and repeatable history."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from applications.models import Application, Interview, PrepItem, StatusChange
from followups.models import Followup, State


def seed(email: str, *args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--email", email, *args, stdout=out)
    return out.getvalue()


def story(user) -> list[tuple]:
    return list(
        Application.objects.filter(owner=user)
        .order_by("id")
        .values_list("company", "position", "status", "applied_on")
    )


@pytest.mark.django_db
def test_it_creates_the_user_with_applications_history_interviews_and_followups():
    output = seed("demo@example.com", "--applications", "60", "--password", "demo-pass-123")
    user = User.objects.get(email="demo@example.com")
    assert user.check_password("demo-pass-123")
    assert "60 applications" in output
    apps = list(Application.objects.filter(owner=user).prefetch_related("status_changes"))
    assert len(apps) == 60
    assert len({a.status for a in apps}) >= 4
    for app in apps:
        steps = [s.status for s in app.status_changes.all()]
        # The timeline ends where the application is, and an interview means "interviewing".
        assert steps[-1] == app.status
        if app.interviews.exists():
            assert "interviewing" in steps
    assert Interview.objects.filter(owner=user).exists()
    assert PrepItem.objects.filter(owner=user).exists()
    assert Followup.objects.filter(owner=user, state=State.DONE).exists()
    assert not StatusChange.objects.exclude(owner=user).exists()
    # What the issue lists besides: contacts, drafts and a feedback log, all the user's own.
    from applications.models import Contact, FeedbackEntry
    from drafts.models import Draft

    for model in (Contact, Draft, FeedbackEntry):
        assert model.objects.filter(owner=user).exists(), model.__name__
        assert not model.objects.exclude(owner=user).exists(), model.__name__
    assert Interview.objects.filter(owner=user, interviewers__isnull=False).exists()
    # A posting still to apply for, reminded of before its deadline by the real sync.
    waiting = Application.objects.get(owner=user, apply_by__isnull=False)
    assert waiting.status == "saved"
    reminder = Followup.objects.get(application=waiting)
    assert (reminder.kind, reminder.state) == ("apply_by", State.SCHEDULED)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    seed("one@example.com", "--applications", "25", "--seed", "7")
    seed("two@example.com", "--applications", "25", "--seed", "7")
    seed("three@example.com", "--applications", "25", "--seed", "8")
    one, two, three = (User.objects.get(email=f"{n}@example.com") for n in ("one", "two", "three"))
    assert story(one) == story(two)
    assert story(one) != story(three)


@pytest.mark.django_db
def test_an_existing_user_is_filled_and_reset_replaces_their_data(alice):
    seed(alice.email, "--applications", "5")
    seed(alice.email, "--applications", "5")
    assert Application.objects.filter(owner=alice).count() == 10
    seed(alice.email, "--applications", "3", "--reset")
    assert Application.objects.filter(owner=alice).count() == 3


@pytest.mark.django_db
def test_a_negative_count_is_refused():
    with pytest.raises(CommandError):
        seed("demo@example.com", "--applications", "-1")


def test_the_insights_page_works_on_a_seeded_account(client, db):
    seed("demo@example.com", "--applications", "40")
    client.force_login(User.objects.get(email="demo@example.com"))
    response = client.get("/insights/")
    assert response.status_code == 200
    assert response.context["data"].total == 40


@pytest.mark.django_db
def test_a_demo_accounts_export_imports_back_into_a_new_account():
    """Every row the seed writes passes the import's validation (ASCII local parts, say)."""
    from exports.json_export import export_account
    from exports.json_import import import_account

    seed("demo@example.com", "--applications", "200", "--seed", "3")
    data = export_account(User.objects.get(email="demo@example.com"))
    restored = User.objects.create_user("restored@example.com", "pass-word-123")

    result = import_account(user=restored, data=data)

    assert result.created["applications"] == 200
    assert result.created["contacts"] == len(data["contacts"])


def make_demo_arguments() -> list[str]:
    """The seed_demo arguments of `make demo`, as make would run them."""
    import shlex
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    printed = subprocess.run(
        ["make", "-n", "demo", "DEMO_APPLICATIONS=6"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in printed.splitlines() if "seed_demo" in line)
    words = shlex.split(line)
    return words[words.index("seed_demo") + 1 :]


@pytest.mark.django_db
def test_make_demo_run_twice_leaves_one_copy_of_the_account():
    from drafts.models import Draft

    arguments = make_demo_arguments()

    def counts():
        user = User.objects.get(email="demo@example.com")
        return [
            User.objects.filter(email="demo@example.com").count(),
            Application.objects.filter(owner=user).count(),
            Followup.objects.filter(owner=user).count(),
            Draft.objects.filter(owner=user).count(),
            user.contacts.count(),
            user.bank_questions.count(),
        ]

    call_command("seed_demo", *arguments, stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", *arguments, stdout=io.StringIO())

    assert first[1] == 6
    assert counts() == first
