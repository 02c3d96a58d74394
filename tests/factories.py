import datetime
import zoneinfo

import factory
from django.utils import timezone

from accounts.models import User
from applications.models import (
    Application,
    Contact,
    FeedbackEntry,
    Interview,
    Status,
    StatusChange,
)
from followups.models import Followup, Kind, State
from notifications.models import Channel

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("name")
    role = "Engineering Manager"
    email = factory.Sequence(lambda n: f"contact{n}@acme.example")
    phone = "+358 40 123 4567"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    company = factory.Sequence(lambda n: f"Acme {n} Oy")
    position = "Backend Developer"
    status = Status.APPLIED
    applied_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            StatusChange.objects.create(
                owner=obj.owner, application=obj, status=obj.status, changed_at=obj.created_at
            )


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    owner = factory.SelfAttribute("application.owner")
    # A second apart: two live interviews of one application never share a start
    # (interview_once_per_start), and a test that wants them to says so.
    starts_at = factory.Sequence(
        lambda n: (
            (timezone.now() + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
            + datetime.timedelta(seconds=n % 3600)
        )
    )
    duration_minutes = 60

    @factory.post_generation
    def interviewers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.interviewers.set(extracted)


class FeedbackEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackEntry

    application = factory.SubFactory(ApplicationFactory)
    owner = factory.SelfAttribute("application.owner")
    received_on = factory.LazyFunction(timezone.localdate)
    from_whom = "Recruiter"
    text = "Strong technical answers; say more about teamwork."
    constructive = True


class FollowupFactory(factory.django.DjangoModelFactory):
    """A follow-up as the sync would make it; due now unless told otherwise."""

    class Meta:
        model = Followup

    application = factory.SubFactory(ApplicationFactory)
    owner = factory.SelfAttribute("application.owner")
    interview = None
    kind = Kind.FEEDBACK
    state = State.SCHEDULED
    due_at = factory.LazyFunction(timezone.now)
    next_attempt_at = factory.SelfAttribute("due_at")


# What each kind of follow-up is about, as the sync would have found it: the application's
# status, and whether the follow-up names an interview.
_KIND_SHAPES = {
    Kind.THANK_YOU: (Status.INTERVIEWING, True),
    Kind.CALL: (Status.INTERVIEWING, True),
    Kind.FEEDBACK: (Status.OFFER, True),
    Kind.CHECK_IN: (Status.APPLIED, False),
    Kind.APPLY_BY: (Status.SAVED, False),
}
# The kinds about one application, for tests of the engine that hold for every kind.
APPLICATION_KINDS = list(_KIND_SHAPES)


def followup_of_kind(kind: str, *, owner, **fields) -> Followup:
    """A scheduled follow-up of `kind` (due now unless told otherwise) on an application in the
    state that kind wants: an interview for a thank-you, a call or feedback, a saved application
    with its deadline ten days ahead for an apply-by (which the dispatcher checks)."""
    status, with_interview = _KIND_SHAPES[kind]
    application = ApplicationFactory(
        owner=owner,
        status=status,
        applied_on=None if status == Status.SAVED else timezone.localdate(),
        apply_by=timezone.localdate() + datetime.timedelta(days=10)
        if kind == Kind.APPLY_BY
        else None,
    )
    interview = InterviewFactory(application=application) if with_interview else None
    return FollowupFactory(application=application, interview=interview, kind=kind, **fields)


class ChannelFactory(factory.django.DjangoModelFactory):
    """A notification channel with its URL encrypted as the service stores it."""

    class Meta:
        model = Channel

    owner = factory.SubFactory(UserFactory)
    label = factory.Sequence(lambda n: f"Channel {n}")
    enabled = True
    url = "json://127.0.0.1:9/hooks/nowhere"

    @classmethod
    def _create(cls, model_class, *args, url: str, **kwargs):
        channel = model_class(*args, **kwargs)
        channel.set_url(url)
        channel.save()
        return channel
