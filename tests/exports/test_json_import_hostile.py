"""A hostile or odd JSON file is refused with problems, writes nothing, and never crashes.

The property test takes a real export and replaces random values (or whole lists and objects)
with what a hand-edited or malicious file might hold: lists, objects, huge numbers, booleans,
null, text with control characters or half a surrogate pair, dates far in the past or future.
"""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import json_import
from exports.json_export import PREFERENCE_FIELDS, export_account
from exports.problems import ImportRefused
from tests.exports.fixtures import fill_account
from tests.exports.jobs import run_jobs
from tests.exports.test_json_import import counts

pytestmark = pytest.mark.django_db


def paths(value, prefix=()):
    """Every place in the document: each object member and list element, nested ones too."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def replaced(document: dict, path: tuple, new) -> dict:
    """A copy of the document with the value at path replaced (or skipped if it is gone)."""
    document = copy.deepcopy(document)
    parent = document
    try:
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]]  # the place must still exist after earlier replacements
    except (KeyError, IndexError, TypeError):
        return document
    parent[path[-1]] = new
    return document


YEARS = "Enter a date between the years 1970 and 2100."
AN_ID = "Expected an id: a number or text in quotes."
FAR_DATES = [
    "9999-12-31T22:00Z",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00+14:00",
    "0001-01-01",
    "9999-12-31",
    "2101-01-01",
    "1969-12-31T23:00Z",
    "2025-02-30",
    "2025-01-01T10:00",
    "2025-01-01T25:00Z",
    "24:00",
    "T",
]
ODD_TEXT = ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "\x1b[31m", "\r\nBcc: x@example.com", "<b>"]
hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**4000]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(FAR_DATES),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.lists(st.lists(st.none(), max_size=1), max_size=1),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture
def exported(alice):
    fill_account(alice)
    return export_account(alice)


def preferences(user) -> dict:
    user.refresh_from_db()
    return {name: getattr(user, name) for name in PREFERENCE_FIELDS}


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_mutated_export_crashes_the_import_and_a_refused_one_writes_nothing(exported, bob, data):
    document = exported
    places = sorted(paths(exported), key=repr)
    for path in data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)):
        document = replaced(document, path, data.draw(hostile_values))
    before, prefs_before = counts(bob), preferences(bob)

    try:
        parsed = json_import.parse(json.dumps(document).encode())
        json_import.import_account(user=bob, data=parsed, take_preferences=True)
    except ImportRefused as refused:
        assert refused.problems
        assert counts(bob) == before
        assert preferences(bob) == prefs_before
    else:
        # What was imported can be exported again.
        json.dumps(export_account(bob))


@pytest.mark.parametrize(
    "raw",
    [
        b"1" * 5000,  # more digits than Python converts
        b"[" * 100_000,  # nested deeper than the parser recurses
        b'{"schema": "seuranta-export", "version": NaN}',
        b'{"schema": "seuranta-export", "version": 1, "x": Infinity}',
    ],
)
def test_a_number_too_large_or_nesting_too_deep_is_not_valid_json(raw):
    with pytest.raises(ImportRefused) as refused:
        json_import.parse(raw)
    assert "Not valid JSON" in refused.value.problems[0].message


def hostile(exported, change) -> dict:
    document = copy.deepcopy(exported)
    change(document)
    return document


def first_app(document):
    return document["applications"][0]


def first_interview(document):
    return first_app(document)["interviews"][0]


# The crafted files of the review that each gave a 500, and what each must say instead.
CASES = {
    "account as a list": (
        lambda d: d.update(account=[1]),
        ("", "account", "Expected an object."),
    ),
    "contact id as a list": (
        lambda d: d["contacts"][0].update(id=[1]),
        ("contacts[0]", "id", AN_ID),
    ),
    "contact reference as an object": (
        lambda d: first_app(d).update(contacts=[{}]),
        ("applications[0]", "contacts", AN_ID),
    ),
    "interviewer reference as a list": (
        lambda d: first_interview(d).update(interviewers=[[1]]),
        ("applications[0].interviews[0]", "interviewers", AN_ID),
    ),
    "interview id as an object": (
        lambda d: first_interview(d).update(id={}),
        ("applications[0].interviews[0]", "id", AN_ID),
    ),
    "follow-up's interview as a boolean": (
        lambda d: first_app(d)["followups"][0].update(interview=True),
        ("applications[0].followups[0]", "interview", AN_ID),
    ),
    "start time as a number": (
        lambda d: first_interview(d).update(starts_at=5),
        ("applications[0].interviews[0]", "starts_at", "Expected text in quotes."),
    ),
    "start time as a list": (
        lambda d: first_interview(d).update(starts_at=["2025-01-01"]),
        (
            "applications[0].interviews[0]",
            "starts_at",
            "Expected a single value, not a list or an object.",
        ),
    ),
    "start time in the year 9999": (
        lambda d: first_interview(d).update(starts_at="9999-12-31T22:00Z"),
        (
            "applications[0].interviews[0]",
            "starts_at",
            "Enter a date between the years 1970 and 2100.",
        ),
    ),
    "start time in the year 1 east of UTC": (
        lambda d: first_interview(d).update(starts_at="0001-01-01T00:00+14:00"),
        (
            "applications[0].interviews[0]",
            "starts_at",
            "Enter a date between the years 1970 and 2100.",
        ),
    ),
    "decision date in the year 9999": (
        lambda d: first_app(d).update(decision_expected_on="9999-12-31", status="interviewing"),
        ("applications[0]", "decision_expected_on", YEARS),
    ),
    "status time in the year 9999": (
        lambda d: first_app(d).update(status_changed_at="9999-12-31T23:59Z"),
        ("applications[0]", "status_changed_at", "Enter a date between the years 1970 and 2100."),
    ),
    "a preference as a list": (
        lambda d: d["account"]["preferences"].update(call_time=[10]),
        ("account.preferences", "call_time", "Expected a single value, not a list or an object."),
    ),
    "an unknown time zone": (
        lambda d: d["account"]["preferences"].update(time_zone="Mars/Olympus_Mons"),
        ("account.preferences", "time_zone", "Choose a time zone from the list."),
    ),
    "a duration as a boolean": (
        lambda d: first_interview(d).update(duration_minutes=True),
        ("applications[0].interviews[0]", "duration_minutes", "Expected a whole number."),
    ),
    "a position as a huge number": (
        lambda d: d["question_bank"][0].update(position=10**30),
        ("question_bank[0]", "position", "The number is too large."),
    ),
    "a NUL character in a name": (
        lambda d: first_app(d).update(company="Acme\x00"),
        ("applications[0]", "company", "The text contains a NUL character."),
    ),
    "half a surrogate pair in a name": (
        lambda d: first_app(d).update(company="Acme\ud800"),
        ("applications[0]", "company", "The text contains a character that is not valid Unicode."),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_crafted_file_is_refused_with_its_problem_and_imports_nothing(exported, bob, case):
    change, expected = CASES[case]
    with pytest.raises(ImportRefused) as refused:
        json_import.import_account(user=bob, data=hostile(exported, change), take_preferences=True)
    assert expected in [(p.row, p.column, p.message) for p in refused.value.problems]
    assert all(n == 0 for n in counts(bob).values())


def upload(client, body: bytes):
    file = SimpleUploadedFile("export.json", body, content_type="application/json")
    form = {"file": file, "take_preferences": "on"}
    with run_jobs():
        response = client.post(reverse("exports:import_json"), form)
    assert response.status_code == 302
    return client.get(response.url)


def test_posting_hostile_files_gets_a_page_listing_the_problems_never_a_500(
    bob_client, bob, exported
):
    bodies = [json.dumps(hostile(exported, change)).encode() for change, _ in CASES.values()]
    bodies += [b"1" * 5000, b"[" * 100_000, b'{"schema": "seuranta-export", "version": NaN}']
    for body in bodies:
        response = upload(bob_client, body)
        assert response.status_code == 200, body[:200]
        assert response.context["job"].state == "failed"
        assert "Nothing was imported" in response.content.decode()
    assert all(n == 0 for n in counts(bob).values())


def test_a_time_without_a_zone_is_read_in_the_users_time_zone(bob, exported):
    document = hostile(exported, lambda d: first_interview(d).update(starts_at="2024-12-12T10:00"))
    json_import.import_account(user=bob, data=document)
    interview = bob.interviews.get()
    assert interview.starts_at.astimezone(bob.tzinfo).hour == 10


def test_an_empty_date_is_no_date_as_in_a_form(bob, exported):
    document = hostile(exported, lambda d: d["applications"][1].update(decision_expected_on=""))
    json_import.import_account(user=bob, data=document)
    assert bob.applications.get(company="Wolt").decision_expected_on is None


def test_a_whole_number_with_hundreds_of_digits_as_an_amount_is_a_problem_not_a_crash():
    """math.isfinite() of such an int raises OverflowError; the size is checked first."""
    from django.db import models

    from exports.json_import import _type_problem

    field = models.DecimalField(max_digits=10, decimal_places=2)
    assert _type_problem(field, 10**400) == "The number is too large."
