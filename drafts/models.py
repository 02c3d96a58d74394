from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.owned import OwnedModel

SUBJECT_MAX = 200
BODY_MAX = 5000


class Kind(models.TextChoices):
    # The values match followups.models.Kind, so a follow-up names its draft's kind directly.
    THANK_YOU = "thank_you", _("Thank-you email")
    FEEDBACK = "feedback", _("Feedback request")
    CALL = "call", _("Call script")
    CHECK_IN = "check_in", _("Application check-in")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FINNISH = "fi", _("Finnish")


class Draft(OwnedModel):
    """An email or call script written from the user's data, theirs to edit and export."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    recipient = models.EmailField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="drafts"
    )
    interview = models.ForeignKey(
        "applications.Interview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
    )
    # The reminder email of a follow-up links to exactly one draft, made on first open.
    followup = models.OneToOneField(
        "followups.Followup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    # Set once the user saves their own changes: regenerating then asks before overwriting.
    edited = models.BooleanField(_("edited"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The drafts page: one owner's drafts, newest first, optionally of one kind.
            models.Index(fields=["owner", "-updated_at"], name="draft_owner_updated_idx"),
            models.Index(fields=["owner", "kind", "-updated_at"], name="draft_owner_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.application.company}"

    def get_absolute_url(self) -> str:
        return reverse("drafts:detail", args=[self.pk])


class DraftTemplate(OwnedModel):
    """The user's own wording for one kind of draft in one language, replacing the built-in."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_templates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft template")
        verbose_name_plural = _("draft templates")
        ordering = ["kind", "language"]
        constraints = [
            # Looked up by (owner, kind, language) on every generation; one template each.
            models.UniqueConstraint(
                fields=["owner", "kind", "language"], name="drafttemplate_one_per_kind_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
