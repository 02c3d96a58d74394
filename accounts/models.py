import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.mail import normalize_email


class UserManager(BaseUserManager):
    use_in_migrations = True

    def digest_recipients(self):
        """People who get the morning digest instead of each reminder (followups.digest).

        The dispatcher leaves their follow-ups to the digest. With reminder emails turned off the
        digest still goes, to their channels and browsers only, as each reminder would; an
        inactive account gets none. Served by user_digest_idx.
        """
        return self.filter(digest_enabled=True, is_active=True)

    def get_by_natural_key(self, username):
        # Log-in is case-insensitive, like the unique constraint on email.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Language(models.TextChoices):
    BROWSER = "", _("As my browser prefers")
    ENGLISH = "en", _("English")
    FINNISH = "fi", _("Finnish")


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Seuranta. Preferences live on the user so every request has them at hand."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    display_name = models.CharField(
        _("display name"), max_length=100, blank=True, help_text=_("Used to sign your drafts.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_USER_TIME_ZONE,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default="", blank=True
    )
    # What the browser last asked for (accounts.middleware), for a user who chose no language:
    # reminder emails and the calendar feed have no browser to ask.
    browser_language = models.CharField(max_length=8, blank=True, editable=False)
    country = models.CharField(
        _("country for public holidays"),
        max_length=2,
        default=settings.DEFAULT_USER_COUNTRY,
        help_text=_("Follow-ups skip the public holidays of this country."),
    )

    # Follow-up preferences (used by followups.policy).
    reminders_enabled = models.BooleanField(
        _("email me reminders"),
        default=True,
        help_text=_("Turn off to stop all reminder emails; follow-ups still show in the app."),
    )
    thank_you_enabled = models.BooleanField(_("remind me to send a thank-you note"), default=True)
    call_enabled = models.BooleanField(_("remind me to make a follow-up call"), default=True)
    feedback_enabled = models.BooleanField(_("remind me to ask for feedback"), default=True)
    apply_by_enabled = models.BooleanField(
        _("remind me before an application deadline"),
        default=True,
        help_text=_("Two business days before the deadline of an application not sent yet."),
    )
    thank_you_delay_minutes = models.PositiveIntegerField(
        _("thank-you delay (minutes after the interview ends)"),
        default=120,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 60)],
    )
    call_delay_business_days = models.PositiveSmallIntegerField(
        _("call delay (business days after the interview)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    call_time = models.TimeField(
        _("time of day for calls and feedback requests"), default=datetime.time(10, 0)
    )
    quiet_hours_start = models.TimeField(_("quiet hours start"), default=datetime.time(21, 0))
    quiet_hours_end = models.TimeField(_("quiet hours end"), default=datetime.time(8, 0))
    # The morning digest (followups.digest): one email a business day listing what is due and
    # overdue, instead of one email per reminder.
    digest_enabled = models.BooleanField(
        _("Digest: send one email a day instead of each reminder"),
        default=False,
        help_text=_(
            "On business days, one email lists what is due that day and what is overdue. Your "
            "notification channels get it too; with reminder emails off, only they do."
        ),
    )
    digest_time = models.TimeField(
        _("digest time"),
        default=datetime.time(8, 0),
        help_text=_("Inside your quiet hours, the digest comes when they end."),
    )
    # Today's "Gone quiet": an application still "applied" this many days after it was sent.
    quiet_after_days = models.PositiveSmallIntegerField(
        _("an application has gone quiet after (days without a response)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    # The job-search obligation (followups.obligation): how many applications the person's
    # plan with the employment services asks for in each review period. 0 turns it off.
    applications_required = models.PositiveSmallIntegerField(
        _("applications required"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("How many applications your plan asks for in each review period; 0 is off."),
    )
    review_period_months = models.PositiveSmallIntegerField(
        _("review period (months)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    review_period_start = models.DateField(
        _("review period starts on"),
        null=True,
        blank=True,
        help_text=_("As your plan says. Leave empty to count calendar months."),
    )
    obligation_reminder_days = models.PositiveSmallIntegerField(
        _("remind me this many business days before the period ends"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    # A new value whenever a row the person owns is written (core.owned renews it in the same
    # transaction) or their preferences change: cached fragments of their pages are keyed by
    # it, so an edit shows at once and no other person's fragment is ever read.
    data_version = models.UUIDField(default=uuid.uuid4, editable=False)

    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [
            # UserManager.digest_recipients, read by every dispatch and digest pass: partial,
            # so that with nobody on the digest it is an empty index.
            models.Index(fields=["id"], condition=Q(digest_enabled=True), name="user_digest_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @classmethod
    def data_changed(cls, pk: int) -> None:
        """What the person's pages show has changed: their cached fragments are stale."""
        cls.objects.filter(pk=pk).update(data_version=uuid.uuid4())

    @property
    def name_for_drafts(self) -> str:
        return self.display_name or ""

    @property
    def message_language(self) -> str:
        """The language for what is read away from the site: emails, the calendar feed."""
        return self.language or self.browser_language or settings.LANGUAGE_CODE

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)
