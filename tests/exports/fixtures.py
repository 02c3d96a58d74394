"""A filled-in account: everything the JSON export covers, made through the services."""

import datetime
from decimal import Decimal

from applications.models import BankQuestion, InterviewOutcome, PrepItem, Status
from applications.services import application_set_status, interview_update
from drafts.models import Draft, DraftTemplate
from tests.exports.factories import application_for, helsinki, interview_for
from tests.factories import FeedbackEntryFactory


def fill_account(user, *, company_prefix: str = "") -> dict:
    """Two applications, one far along (interview, offer, feedback, drafts), one just applied."""
    user.display_name = "Alice Example"
    user.call_delay_business_days = 4
    user.quiet_hours_start = datetime.time(22, 0)
    user.save()
    BankQuestion.objects.create(owner=user, question="Why this team?", position=5)

    far = application_for(
        user,
        company=f"{company_prefix}Kone Oyj",
        position="Data Engineer",
        applied_on=datetime.date(2024, 12, 2),
        location="Espoo",
        source="Duunitori",
        posting_url="https://example.com/jobs/1",
        expected_salary=Decimal("4200.00"),
        notes="Referred by Matti.\nSecond line.",
        # What the posting said (issue 13).
        description='We build data pipelines.\n\n• Python\n• SQL; "quoted", =formula',
        employment_type="full_time",
        apply_by=datetime.date(2024, 11, 30),
        salary_min=Decimal("3800.00"),
        salary_max=Decimal("4600.50"),
        salary_currency="EUR",
        salary_period="month",
    )
    interview = interview_for(
        far,
        helsinki(2024, 12, 12, 10, 0),
        interviewers=[("Maija Meikäläinen", "maija@kone.example", "+358 40 765 4321")],
        location="Keilaranta 1, Espoo",
        kind="onsite",
        duration_minutes=45,
    )
    item = PrepItem.objects.filter(interview=interview).first()
    item.answer = "I like elevators."
    item.done = True
    item.save()
    interview_update(interview=interview, reflection="Went well.", outcome=InterviewOutcome.OFFER)
    far.refresh_from_db()
    far.offered_salary = Decimal("4400.00")
    far.offered_salary_period = "month"
    far.save()
    FeedbackEntryFactory(
        owner=user, application=far, received_on=datetime.date(2024, 12, 20), text="Strong SQL."
    )
    Draft.objects.create(
        owner=user,
        kind="thank_you",
        language="fi",
        recipient="maija@kone.example",
        subject="Kiitos haastattelusta",
        body="Hei Maija,\nkiitos!",
        application=far,
        interview=interview,
        edited=True,
    )
    DraftTemplate.objects.create(
        owner=user, kind="call", language="en", subject="Call {company}", body="Hello {company}"
    )

    near = application_for(
        user,
        company=f"{company_prefix}Wolt",
        position="Backend Developer",
        applied_on=datetime.date(2024, 12, 28),
        contacts=[],
    )
    application_set_status(application=near, status=Status.NO_RESPONSE)
    return {"far": far, "near": near, "interview": interview}
