"""The main pages are valid HTML: the W3C Nu checker finds no error in any of them.

Rendered logged in, with data in every section, and checked in one run of the checker (a JVM
start takes seconds).
"""

import datetime
import json
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from applications import services as app_services
from applications.postings import captures
from drafts.models import Draft
from followups.models import Followup, Kind
from notifications.models import Delivery, DeliveryState
from tests.applications import document_files
from tests.factories import ChannelFactory, ContactFactory, FeedbackEntryFactory
from tests.send_test import press_send_test, queue_send_test
from tests.services import require_vnu

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pages(alice_client, alice):
    with time_machine.travel(NOW, tick=False):
        application = app_services.application_create(
            owner=alice,
            company="Wärtsilä Oyj",
            position="Service Engineer",
            applied_on=datetime.date(2026, 3, 2),
            location="Vaasa",
            notes="Met them at the fair.",
            description="We service ship engines.\n\n• Travel\n" + "More words. " * 150,
            employment_type="full_time",
            apply_by=datetime.date(2026, 3, 31),
            salary_min=Decimal("3800"),
            salary_max=Decimal("4600"),
            salary_currency="EUR",
            salary_period="month",
        )
        maija = ContactFactory(owner=alice, name="Maija Virtanen", phone="+358 40 765 4321")
        interview = app_services.interview_create(
            application=application,
            starts_at=datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.UTC),
            interviewers=[maija],
        )
        FeedbackEntryFactory(owner=alice, application=application)
        app_services.document_attach(
            application=application,
            file=ContentFile(document_files.PDF),
            name="Ansioluettelo & <CV>.pdf",
            kind="cv",
            label="CV in Finnish",
        )
        call = Followup.objects.get(application=application, kind=Kind.CALL)
        # Saved, its deadline tomorrow: the apply-by reminder is due now, a card on Today.
        posting = app_services.application_create(
            owner=alice,
            company="Fazer",
            position="Data Analyst",
            status="saved",
            posting_url="https://jobs.example.com/1",
            apply_by=datetime.date(2026, 3, 11),
        )
        apply_by = Followup.objects.get(application=posting, kind=Kind.APPLY_BY)
        # A channel, and a reminder it gave up on: the preferences page's channel list, the
        # follow-up page's and Today's "Not delivered to …".
        channel = ChannelFactory(owner=alice, label="Phone (ntfy)", url="ntfys://ntfy.sh/t-2f9c")
        Delivery.objects.create(
            owner=alice,
            followup=call,
            channel=channel,
            due_at=call.due_at,
            next_attempt_at=call.due_at,
            state=DeliveryState.FAILED,
            error="http",
            error_status=500,
        )
        draft = Draft.objects.create(
            owner=alice,
            kind="thank_you",
            language="en",
            recipient="maija@example.com",
            subject="Thank you",
            body="Hello Maija,\nthank you!",
            application=application,
            interview=interview,
        )
        capture = captures.capture_create(
            owner_id=alice.pk,
            url="https://jobs.example/4711",
            state=captures.State.DONE,
            fields={"company": "Vaisala Oyj", "position": "Developer"},
            notes=["The posting does not name the employer: fill in the company."],
        )
        waiting = captures.capture_create(owner_id=alice.pk, url="https://jobs.example/1")
        # A Send test on its way (no worker here), and one the worker answered.
        testing = queue_send_test(
            alice_client, reverse("notifications:channel_test", args=[channel.pk])
        )
        tested = press_send_test(alice_client, reverse("notifications:email_test"))
        urls = {
            "dashboard": reverse("applications:dashboard"),
            "add from posting URL": reverse("applications:posting_from_url"),
            "waiting for the posting": reverse("applications:posting_fetch", args=[waiting.token]),
            "captured posting": f"{reverse('applications:application_create')}?capture="
            + capture.token,
            # The application form with its contacts picker (Maija), new and edited.
            "application form": reverse("applications:application_create"),
            "application edit form": reverse(
                "applications:application_update", args=[application.pk]
            ),
            "save from the browser": reverse("applications:bookmarklet"),
            "board": reverse("applications:board"),
            "application list": reverse("applications:application_list"),
            "application detail": application.get_absolute_url(),
            "attach document form": reverse("applications:document_create", args=[application.pk]),
            "interview form": reverse("applications:interview_create"),
            "interview edit form": reverse("applications:interview_update", args=[interview.pk]),
            "interview detail": interview.get_absolute_url(),
            "follow-up page": call.get_absolute_url(),
            "apply-by follow-up page": apply_by.get_absolute_url(),
            "draft page": reverse("drafts:detail", args=[draft.pk]),
            "preferences": reverse("preferences"),
            "channel edit": reverse("notifications:channel_edit", args=[channel.pk]),
            "channel remove": reverse("notifications:channel_delete", args=[channel.pk]),
            "send test waiting": reverse("send_test", args=[testing]),
            "send test answered": tested.request["PATH_INFO"],
            "insights": reverse("insights:index"),
            "contact": maija.get_absolute_url(),
            "contact list": reverse("applications:contact_list"),
            "interview list": reverse("applications:interview_list"),
            "follow-up list": reverse("followups:followup_list"),
            "draft list": reverse("drafts:list"),
            "export": reverse("exports:index"),
        }
        rendered = {}
        for name, url in urls.items():
            response = alice_client.get(url)
            assert response.status_code == 200, name
            rendered[name] = response.content.decode()
    return rendered


def test_the_main_pages_have_no_html_errors(pages, tmp_path):
    command = require_vnu()
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page{index}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    names = {f"file:{path}": name for path, name in files.items()}
    errors = [
        f"{names.get(m.get('url'), m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
        f" — {m.get('extract', '').strip()}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
