import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from core.leases import Claimable
from core.owned import LEASE_FIELDS, OwnedModel
from followups import policy


class Kind(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you note")
    CALL = "call", _("Follow-up call")
    FEEDBACK = "feedback", _("Feedback request")
    CHECK_IN = "check_in", _("Application check-in")
    # Belongs to the person, not to an application: the review period's count is short.
    OBLIGATION = "obligation", _("Job-search obligation")
    # A saved application's deadline is near: apply (followups.policy.apply_by_due). Its label
    # names a reminder: shown beside the due time, which is days before the deadline itself.
    APPLY_BY = "apply_by", _("Reminder to apply")


# Kinds with an email or call draft (drafts.models.Kind has the same values). The others have
# nothing to write: an obligation's answer is the report, an apply-by's the application itself.
DRAFT_KINDS = frozenset({Kind.THANK_YOU, Kind.CALL, Kind.FEEDBACK, Kind.CHECK_IN})


class State(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    NOTIFIED = "notified", _("Reminder sent")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


# States in which the follow-up still asks something of the user.
OPEN_STATES = {State.SCHEDULED, State.NOTIFIED, State.FAILED}
# States that end it: Followup.close() puts it in one.
CLOSED_STATES = {State.DONE, State.SKIPPED, State.CANCELLED}


class SkipReason(models.TextChoices):
    """Why Seuranta skipped a follow-up by itself (Followup.skip_reason).

    A code, not a sentence, so that it is shown in the reader's language, and so that the sync
    can tell its own skips (which a corrected date may undo) from the user's, which have none.
    """

    STALE_THANK_YOU = (
        "stale_thank_you",
        _("Skipped: a thank-you note this long after the interview would read oddly."),
    )
    STALE_CALL = "stale_call", _("Skipped: the interview was too long ago for a follow-up call.")
    STALE_FEEDBACK = (
        "stale_feedback",
        _("Skipped: the outcome is too old to ask for feedback about it now."),
    )
    STALE_OBLIGATION = (
        "stale_obligation",
        _("Skipped: the review period had ended before the reminder could go."),
    )
    STALE_APPLY_BY = (
        "stale_apply_by",
        _("Skipped: the application deadline passed before the reminder could go."),
    )


# The reason code of a follow-up skipped because it came too late, by kind.
STALE_REASONS = {
    Kind.THANK_YOU: SkipReason.STALE_THANK_YOU,
    Kind.CALL: SkipReason.STALE_CALL,
    Kind.FEEDBACK: SkipReason.STALE_FEEDBACK,
    Kind.OBLIGATION: SkipReason.STALE_OBLIGATION,
    Kind.APPLY_BY: SkipReason.STALE_APPLY_BY,
}


class Followup(OwnedModel, Claimable):
    """One thing to do after an interview, and the single reminder email about it.

    The database is the only schedule: the dispatch pass claims rows whose next_attempt_at has
    come, under a lease (claimed_until, claim_token), so each reminder is sent once.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followups"
    )
    # Empty only for a job-search obligation, which is about the person's review period
    # (period_first, period_last) rather than one application (followup_application_or_period).
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="followups",
        null=True,
        blank=True,
    )
    interview = models.ForeignKey(
        "applications.Interview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period_first = models.DateField(_("review period from"), null=True, blank=True)
    period_last = models.DateField(_("review period to"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SCHEDULED
    )
    due_at = models.DateTimeField(_("due"))
    # The lease columns (next_attempt_at: due_at at first, later after backoff) are Claimable's.
    # The mail server's last refusal or the reason it could not be reached, as it came.
    last_error = models.TextField(blank=True)
    skip_reason = models.CharField(
        _("skip reason"), max_length=32, choices=SkipReason.choices, blank=True
    )
    notified_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    sent_late = models.BooleanField(default=False)
    # Set when the user asks to be reminded later, to the moment they asked for (before quiet
    # hours moved it): the sync never moves the reminder back before where that lands
    # (policy.snooze_release), so an unrelated edit of the application cannot undo a snooze,
    # while new quiet hours or a new time zone move it on.
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    completed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    unshown_fields = LEASE_FIELDS

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        indexes = [
            # The dispatch claim (followups.dispatch._claimable through core.leases.claim):
            # state = scheduled AND next_attempt_at <= now ORDER BY next_attempt_at, id LIMIT n.
            # Partial, so a million rows already sent or not yet due cost nothing to skip; id in
            # the index too, so the rows come out in the claim's order and the LIMIT stops the
            # scan: on next_attempt_at alone, rows due at one instant (the 10:00 call time) were
            # all read and sorted by id first (283 ms a claim with a million due at once).
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="scheduled"),
                name="followup_dispatch_idx",
            ),
            # Dashboard "Follow-ups due" / "Coming up" and the follow-ups page, per owner.
            models.Index(fields=["owner", "state", "due_at"], name="followup_owner_state_idx"),
            # Dashboard "Follow-ups due" and "Coming up" (followups.queries.dashboard_followups):
            # owner = X AND state IN (scheduled, notified) ORDER BY due_at, id LIMIT 10. The
            # index above gives each state in due order, not both merged, so PostgreSQL read and
            # sorted every pending row (1 700 for 10 000 applications); this one is walked in
            # order and stops after ten.
            models.Index(
                fields=["owner", "due_at", "id"],
                condition=Q(state__in=["scheduled", "notified"]),
                name="followup_owner_pending_idx",
            ),
        ]
        constraints = [
            # An application's follow-up has an application; a job-search obligation has a
            # review period instead, and no application.
            models.CheckConstraint(
                condition=(
                    Q(kind="obligation", application__isnull=True, period_first__isnull=False)
                    | (~Q(kind="obligation") & Q(application__isnull=False))
                ),
                name="followup_application_or_period",
            ),
            # One obligation reminder per review period, whatever its state: the sync re-opens
            # a cancelled one (followups.obligation.followups_sync_obligation looks it up by
            # owner and period_first).
            models.UniqueConstraint(
                fields=["owner", "period_first"],
                condition=Q(kind="obligation"),
                name="followup_one_obligation_per_period",
            ),
            # One thank-you and one call per interview (a round), whatever the user does twice.
            models.UniqueConstraint(
                fields=["interview", "kind"],
                condition=~Q(state="cancelled"),
                name="followup_one_per_interview_and_kind",
            ),
            # A later round replaces the pending call: never two calls waiting at once.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="call", state="scheduled"),
                name="followup_one_pending_call_per_application",
            ),
            # Feedback is asked for once per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="feedback") & ~Q(state="cancelled"),
                name="followup_one_feedback_per_application",
            ),
            # An application gone quiet is checked on once (followups.services.followup_check_in):
            # a second "Follow up" (a double click, another tab) finds this row.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="check_in") & ~Q(state="cancelled"),
                name="followup_one_check_in_per_application",
            ),
            # A deadline is reminded of once per application; a deadline moved later moves
            # this row (followups.services._plan) rather than adding one.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="apply_by") & ~Q(state="cancelled"),
                name="followup_one_apply_by_per_application",
            ),
        ]

    def __str__(self) -> str:
        about = self.application if self.application_id else self.period_first
        return f"{self.get_kind_display()} – {about} @ {self.due_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("followups:followup_detail", args=[self.pk])

    @property
    def is_obligation(self) -> bool:
        return self.kind == Kind.OBLIGATION

    @property
    def has_draft(self) -> bool:
        """Whether there is an email or a call script to write for it (drafts)."""
        return self.kind in DRAFT_KINDS

    @cached_property
    def obligation_missing(self) -> int:
        """How many applications the review period still lacks (0 when met, or not this kind)."""
        if not self.is_obligation:
            return 0
        from followups import obligation  # it imports this module

        rule = obligation.Rule.from_user(self.owner)
        period = obligation.Period(self.period_first, self.period_last)
        return max(rule.required - obligation.count_in(self.owner_id, period), 0)

    @property
    def obligation_text(self) -> str:
        """ "1 application still needed by 31 Dec", in the active language."""
        if not self.is_obligation:
            return ""
        missing = self.obligation_missing
        return ngettext(
            "%(count)d application still needed by %(day)s",
            "%(count)d applications still needed by %(day)s",
            missing,
        ) % {"count": missing, "day": short_day(self.period_last)}

    @property
    def about(self) -> str:
        """What a list row names it by: the company, or the obligation's sentence."""
        return self.obligation_text if self.is_obligation else self.application.company

    @property
    def about_detail(self) -> str:
        """The line under it: the position (nothing for an obligation)."""
        return "" if self.is_obligation else self.application.position

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def skipped_as_stale(self) -> bool:
        """Whether Seuranta skipped it as too late (a corrected date may re-open it)."""
        return self.state == State.SKIPPED and self.skip_reason in STALE_REASONS.values()

    # --- State transitions ------------------------------------------------------------------
    # The one place that knows which fields go with which state. Each sets the fields on this
    # instance and returns their names; the caller saves them, with an UPDATE guarded as its
    # own concurrency rules require (the dispatcher by claim token, the services under a lock).

    def release_claim(self) -> list[str]:
        """No pass owns the row any more (a pass still sending for it will find its claim lost)."""
        self.claimed_until = None
        self.claim_token = None
        return ["claimed_until", "claim_token"]

    def schedule(self, due_at: datetime.datetime, *, now: datetime.datetime) -> list[str]:
        """Due at due_at, with a fresh count of attempts; skipped instead if that is too late."""
        self.due_at = due_at
        self.next_attempt_at = due_at
        self.attempts = 0
        self.sent_late = False
        fields = ["due_at", "next_attempt_at", "attempts", "sent_late"]
        reason = stale_reason(self.kind, due_at, now)
        if reason:
            return fields + self.close(State.SKIPPED, now=now, reason=reason)
        self.state = State.SCHEDULED
        self.last_error = ""
        self.skip_reason = ""
        self.completed_at = None
        return [*fields, "state", "last_error", "skip_reason", "completed_at"]

    def reopen(self, due_at: datetime.datetime, *, now: datetime.datetime) -> list[str]:
        """A cancelled or stale-skipped row, wanted again: as if it had just been created."""
        self.snoozed_until = None
        self.notified_at = None
        return [
            "snoozed_until",
            "notified_at",
            *self.release_claim(),
            *self.schedule(due_at, now=now),
        ]

    def snooze(
        self, due_at: datetime.datetime, *, requested: datetime.datetime | None = None
    ) -> list[str]:
        """Remind again at due_at: the user asked for it, so the sync never moves it earlier.

        `requested` is what the person asked for before quiet hours moved it to due_at; the
        sync lands it again from there when the quiet hours change (policy.snooze_release).
        """
        self.state = State.SCHEDULED
        self.due_at = due_at
        self.next_attempt_at = due_at
        self.snoozed_until = requested or due_at
        self.attempts = 0
        self.last_error = ""
        self.skip_reason = ""
        self.sent_late = False
        self.completed_at = None
        return [
            "state",
            "due_at",
            "next_attempt_at",
            "snoozed_until",
            "attempts",
            "last_error",
            "skip_reason",
            "sent_late",
            "completed_at",
            *self.release_claim(),
        ]

    # What Done and Skip change, and Undo puts back (followups.services.followup_undo).
    UNDO_FIELDS = (
        "state",
        "due_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "skip_reason",
        "notified_at",
        "sent_late",
        "snoozed_until",
        "completed_at",
    )

    def undo_snapshot(self) -> dict:
        """The fields an undo restores, JSON-ready (for the session)."""
        snapshot = {}
        for name in self.UNDO_FIELDS:
            value = getattr(self, name)
            snapshot[name] = value.isoformat() if isinstance(value, datetime.datetime) else value
        return snapshot

    def revert(self, snapshot: dict) -> list[str]:
        """Back to an undo_snapshot taken while the row was open, unclaimed."""
        if snapshot["state"] not in OPEN_STATES:
            raise ValueError(f"{snapshot['state']!r} is no open state to go back to")
        for name in self.UNDO_FIELDS:
            value = snapshot[name]
            if isinstance(self._meta.get_field(name), models.DateTimeField) and value:
                value = datetime.datetime.fromisoformat(value)
            setattr(self, name, value)
        return [*self.UNDO_FIELDS, *self.release_claim()]

    def close(self, state: str, *, now: datetime.datetime, reason: str = "") -> list[str]:
        """Done, skipped (by the user, or by Seuranta with a reason) or cancelled."""
        if state not in CLOSED_STATES:
            raise ValueError(f"{state!r} does not close a follow-up")
        self.state = state
        self.completed_at = now
        self.skip_reason = reason
        return ["state", "completed_at", "skip_reason", *self.release_claim()]


class DigestState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    # Nothing was due or overdue that day: no email, and the day is over all the same.
    EMPTY = "empty", _("Nothing to send")
    FAILED = "failed", _("Failed")


class Digest(OwnedModel, Claimable):
    """The morning digest of one person's local day (followups.digest): one email, sent once.

    One row per (owner, day), made by the pass that takes the day: of two passes at once, the
    unique constraint lets one insert it. Its lease (claimed_until, claim_token) works as a
    follow-up's does: a worker killed mid-send leaves a claim that another pass takes after the
    lease. The follow-ups it lists are claimed under the same token and marked notified with
    it when the email is out.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("day"))
    state = models.CharField(
        _("state"), max_length=10, choices=DigestState.choices, default=DigestState.PENDING
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    # What the email said (digest_content), recorded with it: the same words go to the
    # person's channels after it (notifications.dispatch), whatever changed since. Empty in
    # the database by default too, for an insert that names neither (an older process's).
    subject = models.CharField(max_length=300, blank=True, default="", db_default="")
    text = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    unshown_fields = LEASE_FIELDS

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            # One digest per person and local day: the digest pass's insert is its claim, and
            # its look-up of the days already handled, (owner, day) IN …, reads this index.
            models.UniqueConstraint(fields=["owner", "day"], name="digest_one_per_owner_and_day"),
        ]

    def __str__(self) -> str:
        return f"digest of {self.owner_id} for {self.day} ({self.state})"


class UsedActionLink(models.Model):
    """A signed email link (followups.links) that has acted: the same link never acts twice.

    A signature proves who made a link, not that it is fresh, so replaying the POST of a Snooze
    link would snooze again, day after day. Only a digest is kept: the token itself is a key.
    Rows older than ACTION_LINK_MAX_AGE are of no use (the link has expired) and are pruned.
    """

    followup = models.ForeignKey(Followup, on_delete=models.CASCADE, related_name="used_links")
    token_digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The pruning: used_at < now - ACTION_LINK_MAX_AGE.
            models.Index(fields=["used_at"], name="followup_used_link_age_idx"),
        ]

    def __str__(self) -> str:
        return f"link used for follow-up {self.followup_id} at {self.used_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


def stale_reason(kind: str, due_at: datetime.datetime, now: datetime.datetime) -> str:
    """The reason code if a follow-up due at due_at is already too late to act on, else ""."""
    if policy.is_stale(kind, due_at, now) or (
        kind == Kind.CALL and policy.is_stale_call(due_at, now)
    ):
        return STALE_REASONS[kind]
    return ""


def short_day(day: datetime.date) -> str:
    """A day and month, as "31 Dec" or "31.12." say it."""
    return date_format(day, pgettext("day and month, a date format", "j M"))
