import datetime
import zoneinfo

import pytest

from tests.factories import ApplicationFactory, ContactFactory, InterviewFactory

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# 23:30 in Helsinki on 11 March is 21:30 UTC: the draft must say 11 March, the user's date.
INTERVIEW_START = datetime.datetime(2026, 3, 11, 23, 30, tzinfo=HELSINKI)


@pytest.fixture
def alices_application(alice):
    return ApplicationFactory(owner=alice, company="Yhtiö Ääni Oy", position="Backend Developer")


@pytest.fixture
def interviewer(alice):
    return ContactFactory(
        owner=alice,
        name="Anna Virtanen",
        email="anna.virtanen@aani.example",
        phone="+358 40 765 4321",
    )


@pytest.fixture
def alices_interview(alices_application, interviewer):
    return InterviewFactory(
        application=alices_application,
        starts_at=INTERVIEW_START.astimezone(datetime.UTC),
        interviewers=[interviewer],
    )
