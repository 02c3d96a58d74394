"""Draft factories; users, applications and interviews come from tests/factories."""

import factory

from drafts.models import Draft, DraftTemplate, Kind
from tests.factories import ApplicationFactory


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft

    application = factory.SubFactory(ApplicationFactory)
    owner = factory.SelfAttribute("application.owner")
    kind = Kind.FEEDBACK
    language = "en"
    recipient = "interviewer@acme.example"
    # Cut to the column width, as the generation service does.
    subject = factory.LazyAttribute(
        lambda d: f"Feedback on my interview – {d.application.company}"[:200]
    )
    body = "Dear Interviewer,\n\nCould you tell me what I could do better?\n\nBest regards,\nMe\n"


class DraftTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftTemplate

    kind = Kind.THANK_YOU
    language = "en"
    subject = "Thanks, {interviewer_name}"
    body = "Hi {interviewer_name}, thanks for {interview_date}. – {my_name}"
