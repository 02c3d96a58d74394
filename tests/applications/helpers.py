"""Shared data builders and page checks for the application-page tests."""

import re
from html import unescape

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.models import BankQuestion, PrepItem
from tests.applications.document_files import PDF
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    FeedbackEntryFactory,
    InterviewFactory,
)


def application_data(**overrides) -> dict:
    """A valid POST for the application form."""
    data = {
        "company": "Acme Oy",
        "position": "Backend Developer",
        "status": "applied",
        "posting_url": "https://jobs.acme.example/123",
        "location": "Helsinki",
        "source": "LinkedIn",
        "applied_on": "2026-03-01",
        "decision_expected_on": "2026-03-20",
        "expected_salary": "2600",
        "expected_salary_currency": "EUR",
        "expected_salary_period": "month",
        "offered_salary": "",
        "offered_salary_currency": "EUR",
        "offered_salary_period": "month",
        "notes": "",
    }
    data.update(overrides)
    return data


def new_interviewer_rows(*people: dict, rows: int = 3) -> dict:
    """The POST of the form's rows of new interviewers: `people` (name, email, phone) first."""
    data = {
        "interviewer-TOTAL_FORMS": str(max(rows, len(people))),
        "interviewer-INITIAL_FORMS": "0",
    }
    for i in range(max(rows, len(people))):
        person = people[i] if i < len(people) else {}
        for field in ("name", "email", "phone"):
            data[f"interviewer-{i}-{field}"] = person.get(field, "")
    return data


def interview_data(**overrides) -> dict:
    """A valid POST for the interview form (an application or company+position still needed).

    interviewer_name, interviewer_email and interviewer_phone fill in the first row of new
    interviewers; new_interviewers=[{...}, ...] fills in several.
    """
    first = {
        field: overrides.pop(f"interviewer_{field}")
        for field in ("name", "email", "phone")
        if f"interviewer_{field}" in overrides
    }
    people = overrides.pop("new_interviewers", [first] if first else [])
    data = {
        "starts_at": "2026-03-10T10:00",
        "duration_minutes": "60",
        "kind": "video",
        "location": "https://meet.example/abc",
        **new_interviewer_rows(*people),
        "preparation_notes": "",
        "reflection": "",
        "outcome": "",
    }
    data.update(overrides)
    return data


def add_prep_items(interview, questions=("Why this job?", "Your weaknesses?")) -> list[PrepItem]:
    return [
        PrepItem.objects.create(
            owner=interview.owner, interview=interview, question=question, position=i
        )
        for i, question in enumerate(questions)
    ]


def one_of_each(owner) -> dict:
    """One of each row the applications URLs with an id name, all the owner's: for the
    ownership test (as another user) and the data-version test (as the owner)."""
    application = ApplicationFactory(owner=owner)
    contact = ContactFactory(owner=owner)
    interview = InterviewFactory(application=application, interviewers=[contact])
    prep_item, _ = add_prep_items(interview)
    BankQuestion.objects.create(owner=owner, question="First", position=0)
    return {
        "prep_item": prep_item,
        "application": application,
        "contact": contact,
        "interview": interview,
        "feedback": FeedbackEntryFactory(application=application),
        "question": BankQuestion.objects.create(owner=owner, question="Second", position=1),
        "document": services.document_attach(
            application=application, file=ContentFile(PDF), name="cv.pdf", kind="cv"
        ),
    }


def add_bank(user, questions=("Why this job?", "Your weaknesses?", "Salary?")):
    return [
        BankQuestion.objects.create(owner=user, question=question, position=i)
        for i, question in enumerate(questions)
    ]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def field_error(response, field: str) -> list[str]:
    """The errors the page shows for one field of its form."""
    return list(response.context["form"].errors.get(field, []))


def shown_errors(response, field: str, prefix: str = "id_") -> list[str]:
    """The error messages the page renders next to one field (in its crispy field block)."""
    html = response.content.decode()
    found = re.findall(
        rf'<(?:p|span) id="error_\d+_{re.escape(prefix + field)}"><strong>(.*?)</strong>',
        html,
        re.S,
    )
    return [unescape(message) for message in found]


def assert_error_next_to(response, field: str, fragment: str) -> None:
    assert response.status_code == 200, response.status_code
    messages = shown_errors(response, field)
    assert any(fragment in message for message in messages), (field, messages)


def assert_kept(response, field: str, typed: str) -> None:
    """The page shows the value as typed in the field's input (escaped, as the browser reads it)."""
    html = response.content.decode()
    inputs = re.findall(rf'<input[^>]*name="{re.escape(field)}"[^>]*>', html)
    values = [unescape(v) for tag in inputs for v in re.findall(r'value="([^"]*)"', tag)]
    areas = re.findall(
        rf'<textarea[^>]*name="{re.escape(field)}"[^>]*>\n?(.*?)</textarea>', html, re.S
    )
    assert typed in values + [unescape(a) for a in areas], (field, values, areas)


def has_label(html: str, text: str) -> bool:
    """A <label> whose whole text is `text`, as a screen reader and a browser test read it."""
    return re.search(rf"<label[^>]*>\s*{re.escape(text)}\s*</label>", html) is not None
