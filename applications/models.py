import datetime
import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import documents
from core.owned import OwnedModel

NOTES_MAX = 10_000
SHORT_MAX = 200
# A posting's description, kept as plain text: long enough for any real posting.
DESCRIPTION_MAX = 50_000


class Status(models.TextChoices):
    SAVED = "saved", _("Saved")
    APPLIED = "applied", _("Applied")
    INTERVIEWING = "interviewing", _("Interviewing")
    OFFER = "offer", _("Offer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NO_RESPONSE = "no_response", _("No response")


# An application in one of these has reached the end of its pipeline.
CLOSED_STATUSES = {Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN, Status.NO_RESPONSE}
# A final answer from the employer: the moment to ask for feedback.
FINAL_OUTCOME_STATUSES = {Status.OFFER, Status.ACCEPTED, Status.REJECTED}


class SalaryPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class EmploymentType(models.TextChoices):
    """schema.org JobPosting's employmentType values, the ones job boards publish."""

    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACTOR = "contractor", _("Contractor")
    TEMPORARY = "temporary", _("Temporary")
    INTERN = "intern", _("Internship")
    VOLUNTEER = "volunteer", _("Volunteer")
    PER_DIEM = "per_diem", _("Per diem")
    OTHER = "other", _("Other")


class Contact(OwnedModel):
    """A person at an employer. An interviewer is a contact."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=SHORT_MAX)
    role = models.CharField(_("role"), max_length=SHORT_MAX, blank=True)
    company = models.CharField(_("company"), max_length=SHORT_MAX, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), max_length=NOTES_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]
        # The contact list and the interviewer look-up by email, per owner.
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("applications:contact_detail", args=[self.pk])

    @property
    def tel_url(self) -> str:
        """The phone as a tel: link: digits and a leading +, as RFC 3966 wants ("" if none)."""
        digits = re.sub(r"\D", "", self.phone)
        if not digits:
            return ""
        return f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}"


class Application(OwnedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    company = models.CharField(_("company"), max_length=SHORT_MAX)
    position = models.CharField(_("position"), max_length=SHORT_MAX)
    posting_url = models.URLField(_("job posting URL"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=SHORT_MAX, blank=True)
    source = models.CharField(
        _("source"), max_length=SHORT_MAX, blank=True, help_text=_("Where you found the job.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    applied_on = models.DateField(_("date applied"), null=True, blank=True)
    decision_expected_on = models.DateField(
        _("decision expected by"),
        null=True,
        blank=True,
        help_text=_("The date by which the employer said they would decide."),
    )
    expected_salary = models.DecimalField(
        _("expected salary"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_salary_currency = models.CharField(
        _("expected salary currency"), max_length=3, default="EUR"
    )
    expected_salary_period = models.CharField(
        _("expected salary period"),
        max_length=5,
        choices=SalaryPeriod.choices,
        default=SalaryPeriod.MONTH,
    )
    offered_salary = models.DecimalField(
        _("offered salary"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    offered_salary_currency = models.CharField(
        _("offered salary currency"), max_length=3, default="EUR"
    )
    offered_salary_period = models.CharField(
        _("offered salary period"),
        max_length=5,
        choices=SalaryPeriod.choices,
        default=SalaryPeriod.MONTH,
    )
    # What the posting said (issue 13): kept because postings vanish once the job is filled.
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    employment_type = models.CharField(
        _("employment type"), max_length=12, choices=EmploymentType.choices, blank=True
    )
    apply_by = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("The last day to apply, from the posting."),
    )
    salary_min = models.DecimalField(
        _("advertised salary from"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    salary_max = models.DecimalField(
        _("advertised salary to"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    salary_currency = models.CharField(_("advertised salary currency"), max_length=3, blank=True)
    salary_period = models.CharField(
        _("advertised salary period"), max_length=5, choices=SalaryPeriod.choices, blank=True
    )
    notes = models.TextField(_("notes"), max_length=NOTES_MAX, blank=True)
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), related_name="applications", blank=True
    )
    # Left out of the job-search obligation's count (followups.obligation) and its report,
    # with the person's reason: an application the employment services would not accept.
    not_counted = models.BooleanField(_("does not count"), default=False)
    not_counted_reason = models.CharField(
        _("why it does not count"), max_length=SHORT_MAX, blank=True
    )
    # The hidden key of the form that created the row (OwnedModelForm adds it to create forms):
    # the same form posted again (a double click, a reload, the back button) finds this row
    # instead of creating a second one (applications.views._common._create_once).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The application list: one owner's rows, filtered by status, newest first.
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["owner", "-updated_at"]),
            # The board's columns (applications.board._cards): owner = X AND status = S ORDER BY
            # status_changed_at DESC, id DESC LIMIT 50, one per status, walked backwards and
            # stopped at the limit instead of ranking all of the owner's rows.
            models.Index(
                fields=["owner", "status", "status_changed_at", "id"], name="application_board_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_salary__gte=0) | models.Q(expected_salary=None),
                name="application_expected_salary_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(offered_salary__gte=0) | models.Q(offered_salary=None),
                name="application_offered_salary_not_negative",
            ),
            # Also serves the look-up of a form posted twice (owner, submission_key).
            models.UniqueConstraint(
                fields=["owner", "submission_key"], name="application_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} – {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("applications:application_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class StatusChange(OwnedModel):
    """One step of an application's timeline; the first row is its creation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_changes"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    previous_status = models.CharField(
        _("previous status"), max_length=20, choices=Status.choices, blank=True
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]
        # The timeline of one application; "recent activity" of one owner.
        indexes = [
            models.Index(fields=["application", "changed_at"]),
            models.Index(fields=["owner", "-changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status} @ {self.changed_at:%Y-%m-%d %H:%M}"


class InterviewKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    ONSITE = "onsite", _("On-site")


class InterviewOutcome(models.TextChoices):
    PENDING = "", _("Not known yet")
    NEXT_ROUND = "next_round", _("Moved to the next round")
    OFFER = "offer", _("Offer")
    REJECTED = "rejected", _("Rejected")


DURATION_CHOICES = [30, 45, 60, 90]
DURATION_MIN, DURATION_MAX = 5, 480


class Interview(OwnedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(DURATION_MIN), MaxValueValidator(DURATION_MAX)],
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=InterviewKind.choices, default=InterviewKind.VIDEO
    )
    location = models.CharField(_("place or meeting link"), max_length=500, blank=True)
    interviewers = models.ManyToManyField(
        Contact, verbose_name=_("interviewers"), related_name="interviews", blank=True
    )
    preparation_notes = models.TextField(_("preparation notes"), max_length=NOTES_MAX, blank=True)
    reflection = models.TextField(
        _("reflection"), max_length=NOTES_MAX, blank=True, help_text=_("How did it go?")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=InterviewOutcome.choices,
        default=InterviewOutcome.PENDING,
        blank=True,
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # The hidden key of the form that created the row (OwnedModelForm adds it to create forms):
    # the same form posted again (a double click, a reload, the back button) finds this row
    # instead of creating a second one (applications.views._common._create_once).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["starts_at", "id"]
        # "Upcoming interviews" on the dashboard: one owner's rows by start time.
        indexes = [models.Index(fields=["owner", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=DURATION_MIN)
                & models.Q(duration_minutes__lte=DURATION_MAX),
                name="interview_duration_in_range",
            ),
            # Also serves the look-up of a form posted twice (owner, submission_key).
            models.UniqueConstraint(
                fields=["owner", "submission_key"], name="interview_submitted_once"
            ),
            # The same interview (application, start) logged again from another form (the back
            # button, a second tab) is the one already there: one live interview per start.
            # Also serves services.interview_same: application = X AND starts_at = Y AND live.
            models.UniqueConstraint(
                fields=["application", "starts_at"],
                condition=models.Q(cancelled=False),
                name="interview_once_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("applications:interview_detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class PrepItem(OwnedModel):
    """One question of an interview's preparation checklist, with the user's answer."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prep_items"
    )
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="prep_items")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    done = models.BooleanField(_("ready"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("preparation question")
        verbose_name_plural = _("preparation questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class BankQuestion(OwnedModel):
    """A question in the user's own bank; each new interview's checklist starts from it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_questions"
    )
    question = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("question bank entry")
        verbose_name_plural = _("question bank")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class FeedbackEntry(OwnedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_entries"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="feedback_entries"
    )
    received_on = models.DateField(_("received on"))
    from_whom = models.CharField(_("from whom"), max_length=SHORT_MAX, blank=True)
    text = models.TextField(_("feedback"), max_length=NOTES_MAX)
    constructive = models.BooleanField(_("constructive"), null=True, blank=True)
    lessons = models.TextField(_("lessons for next time"), max_length=NOTES_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.received_on}"


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    COVER_LETTER = "cover_letter", _("Cover letter")
    CERTIFICATE = "certificate", _("Certificate")
    PORTFOLIO = "portfolio", _("Portfolio")
    OTHER = "other", _("Other document")


class Document(OwnedModel):
    """A file sent with an application (a CV, a cover letter), kept as it was sent.

    The file lives in the default storage (var/media/ or S3, config/settings.py) under a random
    name (applications.documents.upload_to); what the person called it is original_name. Its
    type was told from its content (applications.documents.detect). It is served only through
    the owner's download view, never from a public URL, and leaves the storage with its row
    (applications.documents.remove_file_after_commit).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.CV
    )
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        help_text=_("Your own name for it, such as “CV in English”. Optional."),
    )
    file = models.FileField(_("file"), upload_to=documents.upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sent_on = models.DateField(_("date sent"))
    # The hidden key of the form that created the row (OwnedModelForm adds it to create forms):
    # the same upload posted twice finds this row (applications.views._common._create_once).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        # Oldest sent first on the application page, which finds them by the index of the
        # application foreign key (a handful per application: no index of their own).
        ordering = ["sent_on", "id"]
        constraints = [
            # Also serves the look-up of a form posted twice (owner, submission_key).
            models.UniqueConstraint(
                fields=["owner", "submission_key"], name="document_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_label}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("applications:document_download", args=[self.pk])

    @property
    def display_label(self) -> str:
        return self.label or self.get_kind_display()
