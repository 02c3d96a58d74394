"""Follow-up workflows. Every change to an application or interview ends in a sync here.

The sync is a reconciliation, not an event handler: it works out from the application as it is
now which follow-ups should exist and when, compares that with the rows, and creates, moves or
cancels rows until they agree. Running it twice, or after an unchanged save, changes nothing, so
no sequence of user actions (double submits included) can create a duplicate.

Rules the sync keeps:
- only rows in state `scheduled` are ever moved or cancelled; a reminder already sent, done,
  skipped or failed stays as it is, with one exception: a row the sync or the dispatcher skipped
  as too late (Followup.skip_reason) is re-opened when a corrected date makes it timely;
- a row that is wanted again after being cancelled (an interview un-cancelled, a status set back)
  is re-opened rather than created anew, so an interview has one thank-you and one call row and an
  application one feedback row, cancelled ones included (only a deleted interview leaves its
  cancelled rows behind, detached);
- an application check-in (Kind.CHECK_IN) is not worked out from the data: the person asks for
  it (followup_check_in). The sync only ends it, open in any state, when the application's
  status leaves "applied": any answer, or the person's own verdict, closes the question;
- a follow-up that would already be too late to act on when it is created or moved (logging an
  interview from last month) is recorded as `skipped`, with a reason code, instead of being sent.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import FINAL_OUTCOME_STATUSES, Application, Interview, Status
from core import undo
from followups import policy
from followups.links import ACTION_LINK_MAX_AGE
from followups.models import (
    OPEN_STATES,
    STALE_REASONS,
    Followup,
    Kind,
    SkipReason,
    State,
    UsedActionLink,
    stale_reason,
)

# followups_sync_obligation: the obligation's own sync, also called through this module by
# applications.services (followups.services is that app's one door into the follow-ups).
from followups.obligation import followups_sync_obligation

log = logging.getLogger(__name__)
_T = TypeVar("_T")


# Statuses in which nothing more is asked of the user (they ended it, or the employer went quiet).
ENDED_STATUSES = {Status.WITHDRAWN, Status.NO_RESPONSE}


class LinkAlreadyUsed(Exception):
    """A signed email link that has already acted once."""


class FollowupActionError(ValueError):
    """A user action that does not apply to the follow-up in its current state.

    The message is translated and meant for the user.
    """


# --- Sync ----------------------------------------------------------------------------------------


def _key(kind: str, interview_id: int | None) -> tuple[str, int | None]:
    # A feedback request belongs to the application; the interview it points at is only context.
    # An apply-by reminder is about the application alone.
    return (kind, None if kind in (Kind.FEEDBACK, Kind.APPLY_BY) else interview_id)


def _wanted(
    application: Application,
    interviews: list[Interview],
    prefs: policy.Preferences,
    now: datetime.datetime,
) -> dict[tuple[str, int | None], policy.Wanted]:
    """The follow-ups the application should have now, by (kind, interview id)."""
    wanted = policy.wanted_followups(
        interviews=[(interview.pk, interview.ends_at) for interview in interviews],
        prefs=prefs,
        ended=application.status in ENDED_STATUSES,
        final=application.status in FINAL_OUTCOME_STATUSES,
        decision_date=application.decision_expected_on,
        outcome_recorded_at=application.status_changed_at,
        apply_by=application.apply_by if application.status == Status.SAVED else None,
        now=now,
    )
    return {_key(want.kind, want.interview): want for want in wanted}


def _settle_apply_by(
    row: Followup, application: Application, prefs: policy.Preferences, now: datetime.datetime
) -> str | None:
    """How an apply-by reminder no longer wanted ends: the state to close it in, or None.

    - the status moved past "saved": one still waiting is cancelled; one already sent (or
      failed) is done, since the person applied, or cancelled if they withdrew instead;
    - still saved, with a deadline and the reminder on: the deadline left no moment for it
      (policy.apply_by_due), so one still waiting is skipped as too late, with the reason;
    - the deadline removed or the reminder turned off: one still waiting is cancelled;
      one sent stays as it is, the person's to close.
    """
    if application.status != Status.SAVED:
        if row.state == State.SCHEDULED:
            return State.CANCELLED
        if row.state in (State.NOTIFIED, State.FAILED):
            return State.CANCELLED if application.status in ENDED_STATUSES else State.DONE
        return None
    if row.state != State.SCHEDULED:
        return None
    if application.apply_by is not None and prefs.apply_by_enabled:
        return State.SKIPPED
    return State.CANCELLED


def _reopens(row: Followup, due_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a row the sync skipped as too late is wanted again, at a time still worth it.

    That is a corrected date (an interview typed as February instead of March). Only rows
    Seuranta skipped itself carry a reason; a follow-up the user skipped stays skipped.
    """
    return row.skipped_as_stale and row.due_at != due_at and not stale_reason(row.kind, due_at, now)


@dataclasses.dataclass
class _Plan:
    """The writes that bring one application's follow-ups in step; empty when they agree."""

    cancel_ids: list[int] = dataclasses.field(default_factory=list)
    # Scheduled rows with a new due time or interview: written only if still scheduled.
    moved: list[Followup] = dataclasses.field(default_factory=list)
    # Re-opened and new rows.
    saved: list[Followup] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cancel_ids or self.moved or self.saved)


_MOVED_FIELDS = (
    "due_at",
    "next_attempt_at",
    "attempts",
    "sent_late",
    "state",
    "last_error",
    "skip_reason",
    "completed_at",
    "interview_id",
    "claimed_until",
    "claim_token",
)


def _locked(application_ids) -> list[Application]:
    """The applications, locked, each with its live interviews and all its follow-ups.

    The lock serialises every sync of one application (two browser tabs, a double submit): the
    second waits, then sees the first one's rows and has nothing left to do. Interviews and rows
    are read after the lock, so they are the ones the last sync left. Three queries, however
    many applications.
    """
    return list(
        Application.objects.select_for_update()
        .filter(pk__in=application_ids)
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.filter(cancelled=False).order_by("starts_at", "id"),
                to_attr="live_interviews",
            ),
            Prefetch(
                "followups", queryset=Followup.objects.order_by("id"), to_attr="followup_rows"
            ),
        )
    )


def _plan(application: Application, prefs: policy.Preferences, now: datetime.datetime) -> _Plan:
    """Compare the wanted follow-ups with the rows (no queries); the rows take their new values."""
    rows: list[Followup] = application.followup_rows
    wanted = _wanted(application, application.live_interviews, prefs, now)
    plan = _Plan()

    # Cancel first, so that a replaced call is out of the way before its successor is created
    # (the database allows one pending call per application).
    for row in rows:
        if row.kind == Kind.CHECK_IN:
            if row.is_open and application.status != Status.APPLIED:
                plan.cancel_ids.append(row.pk)
                row.close(State.CANCELLED, now=now)
            continue
        if row.kind == Kind.APPLY_BY and _key(row.kind, row.interview_id) not in wanted:
            state = _settle_apply_by(row, application, prefs, now)
            if state == State.CANCELLED and row.state == State.SCHEDULED:
                plan.cancel_ids.append(row.pk)
                row.close(State.CANCELLED, now=now)
            elif state == State.SKIPPED:
                # Written as a move is: only while still scheduled.
                row.close(State.SKIPPED, now=now, reason=STALE_REASONS[row.kind])
                plan.moved.append(row)
            elif state is not None:
                # Sent already (no pass works on it): under the application's lock, as the
                # user's own Done would be.
                row.close(state, now=now)
                plan.saved.append(row)
            continue
        if row.state == State.SCHEDULED and _key(row.kind, row.interview_id) not in wanted:
            plan.cancel_ids.append(row.pk)
            row.close(State.CANCELLED, now=now)

    for key, want in wanted.items():
        mine = [row for row in rows if _key(row.kind, row.interview_id) == key]
        live = [row for row in mine if row.state != State.CANCELLED]
        if live:
            row = live[0]
            if _reopens(row, want.due_at, now):
                # Skipped as stale by Seuranta, and the user has since corrected the date.
                row.interview_id = want.interview
                row.reopen(want.due_at, now=now)
                plan.saved.append(row)
                continue
            if row.state != State.SCHEDULED:
                continue  # Sent, done, skipped or failed: never re-opened by a data change.
            due = want.due_at
            if row.snoozed_until:
                # The snooze landed under the preferences of its day; quiet hours, a time zone
                # or a country changed since may have put it inside quiet hours or on a holiday.
                due = max(due, policy.snooze_release(row.snoozed_until, prefs))
            if (
                want.kind == Kind.APPLY_BY
                and row.due_at <= now
                and due <= policy.out_of_quiet_hours(now, prefs)
            ):
                # Due already and still wanted at once (less than the lead time left): the
                # dispatcher takes it as it is, rather than a minute later after every save.
                due = row.due_at
            next_attempt = _next_attempt(row, due, prefs, now)
            if (
                row.due_at == due
                and row.next_attempt_at == next_attempt
                and row.interview_id == want.interview
            ):
                continue
            if row.due_at != due:
                row.schedule(due, now=now)
                # A pass may be emailing the reminder about the old time right now. Taking its
                # claim away makes that pass's result "lost", so the row stays scheduled at the
                # new time (and is reminded of then) instead of being marked notified.
                row.release_claim()
            else:
                row.next_attempt_at = next_attempt
            row.interview_id = want.interview
            plan.moved.append(row)
        elif mine:
            row = mine[-1]
            row.interview_id = want.interview
            row.reopen(want.due_at, now=now)
            plan.saved.append(row)
        else:
            row = Followup(
                owner_id=application.owner_id,
                application=application,
                interview_id=want.interview,
                kind=want.kind,
            )
            row.schedule(want.due_at, now=now)
            plan.saved.append(row)
    return plan


def _next_attempt(
    row: Followup, due: datetime.datetime, prefs: policy.Preferences, now: datetime.datetime
) -> datetime.datetime:
    """When a scheduled row due at `due` may next be tried, under the current preferences.

    A row the dispatcher held back waits at the end of the quiet hours of the day it was held
    (next_attempt_at past due_at, and no error); when the quiet hours or the time zone change,
    it waits for the end of the new ones instead, or goes at once if they no longer hold it. A
    retry after a failed send keeps its backoff, out of the new quiet hours. Any other row is
    tried at its due time.
    """
    if row.due_at != due:
        return due  # Moved: schedule() starts it afresh.
    if row.next_attempt_at <= max(due, now):
        return row.next_attempt_at  # Due to be tried now: the dispatcher checks quiet hours.
    if row.last_error:
        return policy.out_of_quiet_hours(row.next_attempt_at, prefs)
    return policy.out_of_quiet_hours(max(due, now), prefs)


def _cancel(ids: list[int], now: datetime.datetime) -> None:
    # Only while still scheduled (a reminder sent meanwhile is history), except a check-in,
    # which any status change ends, its reminder sent or not.
    Followup.objects.filter(
        Q(state=State.SCHEDULED) | Q(kind=Kind.CHECK_IN, state__in=list(OPEN_STATES)),
        pk__in=ids,
    ).update(state=State.CANCELLED, completed_at=now, updated_at=now)


def _apply(plan: _Plan, now: datetime.datetime) -> None:
    if plan.cancel_ids:
        _cancel(plan.cancel_ids, now)
    for row in plan.moved:
        # Only while still scheduled: a reminder the dispatcher marked sent meanwhile is history.
        # owner_id names the owner to core.owned: renewed once for all the moves.
        Followup.objects.filter(owner_id=row.owner_id, pk=row.pk, state=State.SCHEDULED).update(
            updated_at=now, **{name: getattr(row, name) for name in _MOVED_FIELDS}
        )
    for row in plan.saved:
        row.save()


def _reconcile(
    application_id: int, now: datetime.datetime, prefs: policy.Preferences | None = None
) -> None:
    locked = _locked([application_id])
    if not locked:
        return  # Deleted meanwhile (in another tab, say), and its follow-ups with it.
    application = locked[0]
    if prefs is None:
        prefs = policy.Preferences.from_user(application.owner)
    _apply(_plan(application, prefs, now), now)


def _sync_application_id(application_id: int, prefs: policy.Preferences | None = None) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():
            _reconcile(application_id, now, prefs)
        return
    except IntegrityError:
        # Only reachable when something wrote follow-ups without the application lock. The
        # constraints kept the data right; try once more against what is there now.
        log.warning("Follow-up sync of application %s hit a constraint; retrying", application_id)
    try:
        with transaction.atomic():
            _reconcile(application_id, now, prefs)
    except IntegrityError:
        # Never turn a user's save into a 500 over a reminder: the next sync puts it right.
        log.exception("Follow-up sync of application %s failed twice", application_id)


@transaction.atomic
def followups_sync_application(*, application: Application) -> None:
    """Bring the application's follow-ups in step with its interviews and status.

    Idempotent: calling it twice, or after an unchanged save, changes nothing.
    """
    _sync_application_id(application.pk)


# Applications locked and read together by a resync; keeps the IN lists well under SQLite's
# limit on query parameters.
RESYNC_CHUNK = 500


def _resync_candidates(user):
    """The ids of the user's applications that have, or may want, a follow-up.

    Scheduled rows may need moving or cancelling; live interviews may want a thank-you or a
    call; a final outcome may want a feedback request; a saved application's deadline may want
    its apply-by reminder. Any other application has nothing to
    gain from a resync, however many there are.
    """
    scheduled = Followup.objects.filter(application=OuterRef("pk"), state=State.SCHEDULED)
    interviews = Interview.objects.filter(application=OuterRef("pk"), cancelled=False)
    deadline = Q(status=Status.SAVED, apply_by__isnull=False)
    return (
        Application.objects.filter(owner=user)
        .filter(
            Q(status__in=FINAL_OUTCOME_STATUSES) | deadline | Exists(scheduled) | Exists(interviews)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def followups_resync_user(*, user) -> None:
    """Recompute the pending follow-ups of the user's applications after a preference change.

    A few queries per RESYNC_CHUNK applications, plus one write per follow-up that changes.
    """
    prefs = policy.Preferences.from_user(user)
    now = timezone.now()
    ids = list(_resync_candidates(user))
    for start in range(0, len(ids), RESYNC_CHUNK):
        chunk = ids[start : start + RESYNC_CHUNK]
        try:
            with transaction.atomic():
                for application in _locked(chunk):
                    plan = _plan(application, prefs, now)
                    if plan:
                        _apply(plan, now)
            continue
        except IntegrityError:
            # Something wrote follow-ups without the lock; the chunk was rolled back. Redo it
            # one application at a time, each with its own retry, so one cannot stop the rest.
            log.warning("Follow-up resync of user %s hit a constraint; retrying singly", user.pk)
        for application_id in chunk:
            _sync_application_id(application_id, prefs)
    # user_preferences_update holds the person's row: no second look-up.
    followups_sync_obligation(owner_id=user.pk, now=now, user=user)


@transaction.atomic
def followup_check_in(*, application: Application) -> tuple[Followup | None, bool]:
    """ "Follow up" on an application gone quiet: its one check-in, created if it has none.

    Due at the person's call time on a business day, out of quiet hours
    (policy.check_in_due). Once per application: a second request (a double click, a second
    tab) finds the first one's row under the application lock and returns it unchanged; one
    cancelled by a status change since is re-opened. Returns (the check-in, whether this call
    made it); (None, False), and nothing written, when the application is no longer waiting
    for an answer (its status left "applied" meanwhile).
    """
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None or locked.status != Status.APPLIED:
        return None, False
    rows = list(
        Followup.objects.filter(application_id=locked.pk, kind=Kind.CHECK_IN).order_by("id")
    )
    live = [row for row in rows if row.state != State.CANCELLED]
    if live:
        return live[0], False
    now = timezone.now()
    due = policy.check_in_due(now, policy.Preferences.from_user(locked.owner))
    if rows:
        row = rows[-1]
        row.reopen(due, now=now)
    else:
        row = Followup(owner_id=locked.owner_id, application=locked, kind=Kind.CHECK_IN)
        row.schedule(due, now=now)
    row.save()
    return row, True


def followup_restore(*, followup: Followup) -> bool:
    """Save a follow-up recorded elsewhere (an export being restored) in its recorded state.

    False, and nothing saved, when the application already has the one follow-up of that kind
    the database allows. No pass owns a restored row; a scheduled one is tried at its due time.
    The caller then brings the application in step with followups_sync_application.
    """
    followup.next_attempt_at = followup.due_at
    followup.release_claim()
    if followup.last_error in SkipReason.values and not followup.skip_reason:
        # Exports made before skip_reason had a column kept the code in last_error.
        followup.skip_reason, followup.last_error = followup.last_error, ""
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError:
        return False
    return True


# --- User actions --------------------------------------------------------------------------------


def _lock(followup: Followup) -> Followup:
    # Same lock order as the sync (application, then its follow-ups), so the two cannot deadlock;
    # the obligation sync locks the person instead.
    if followup.application_id is None:
        get_user_model().objects.select_for_update().filter(pk=followup.owner_id).first()
    else:
        Application.objects.select_for_update().filter(pk=followup.application_id).first()
    row = (
        Followup.objects.select_for_update().select_related("owner").filter(pk=followup.pk).first()
    )
    if row is None:
        # The application was deleted (in another tab, say) since the page was shown.
        raise FollowupActionError(
            _("This follow-up no longer exists: its application was deleted.")
        )
    return row


def _refresh(followup: Followup, fresh: Followup) -> Followup:
    # The caller's instance shows the result too.
    for field in fresh._meta.concrete_fields:
        setattr(followup, field.attname, getattr(fresh, field.attname))
    return followup


def _close(followup: Followup, state: str, *, reopens: set[str]) -> Followup:
    """Close an open follow-up in `state`; one that is closed already stays as it is.

    A closed follow-up in one of `reopens` changes its mind instead (skipped, then done after
    all); closing it in the state it has changes nothing, so a second click is harmless.
    """
    row = _lock(followup)
    if row.state != state and (row.is_open or row.state in reopens):
        row.save(update_fields=[*row.close(state, now=timezone.now()), "updated_at"])
    return _refresh(followup, row)


@transaction.atomic
def followup_mark_done(*, followup: Followup) -> Followup:
    """The user did it: close the follow-up (also before its reminder, which then never goes).

    A skipped follow-up may still be marked done: the user changed their mind and did it.
    """
    row = _close(followup, State.DONE, reopens={State.SKIPPED})
    if row.state == State.CANCELLED:
        raise FollowupActionError(_("This follow-up was cancelled and cannot be marked done."))
    return row


@transaction.atomic
def followups_feedback_received(*, application: Application) -> None:
    """Feedback arrived: the request for it is answered, so its follow-up still open is done.

    Done, not cancelled: the person got what the reminder was for. A closed one stays closed.
    """
    # Same lock order as the sync (application, then its follow-ups).
    Application.objects.select_for_update().filter(pk=application.pk).first()
    now = timezone.now()
    rows = Followup.objects.select_for_update().filter(
        application_id=application.pk, kind=Kind.FEEDBACK, state__in=OPEN_STATES
    )
    for row in rows:
        row.save(update_fields=[*row.close(State.DONE, now=now), "updated_at"])


@transaction.atomic
def followup_skip(*, followup: Followup) -> Followup:
    """The user will not do it: close the follow-up without a reminder."""
    row = _close(followup, State.SKIPPED, reopens=set())
    if row.state != State.SKIPPED:
        raise FollowupActionError(_("This follow-up is already closed."))
    return row


class UndoRefused(FollowupActionError, undo.UndoRefused):
    """An Undo that came too late, or after the follow-up changed again: nothing was changed."""


def followup_undo_record(*, followup: Followup, before: dict) -> dict:
    """What followup_undo needs, JSON-ready: the row's fields before the action, and the row
    as the action left it (any later write is another change, which the undo must not undo).
    """
    return {
        "before": before,
        "after": followup.undo_snapshot(),
        "updated_at": followup.updated_at.isoformat(),
    }


@transaction.atomic
def followup_undo(*, followup: Followup, record: dict) -> Followup:
    """Put a follow-up marked done or skipped back exactly as it was (record: core.undo's).

    Refused, with a message for the person, when the record is older than core.undo's window or
    the row has changed since the action (a later Mark done, a sync, a restore).
    """
    row = _lock(followup)
    if undo.expired(record, timezone.now()):
        raise UndoRefused(_("It is too late to undo that; change the follow-up on its own page."))
    if row.updated_at.isoformat() != record["updated_at"] or row.undo_snapshot() != record["after"]:
        raise UndoRefused(_("The follow-up has changed since, so nothing was undone."))
    try:
        with transaction.atomic():
            row.save(update_fields=[*row.revert(record["before"]), "updated_at"])
    except IntegrityError:
        # Another call of the application is waiting now: the database allows one at a time.
        raise UndoRefused(
            _("A call about a later interview is already scheduled for this application.")
        ) from None
    return _refresh(followup, row)


@transaction.atomic
def followup_snooze(
    *, followup: Followup, choice: str = policy.SNOOZE_NEXT_BUSINESS_DAY
) -> Followup:
    """Remind again later, where the person chose (policy.snooze_due: a business day, at their
    call time, out of quiet hours).

    The one case in which a second reminder for the same action is sent: the user asked for it.
    """
    if choice not in policy.SNOOZE_CHOICES:
        raise FollowupActionError(_("Choose when to be reminded again."))
    row = _lock(followup)
    if row.state not in OPEN_STATES:
        raise FollowupActionError(_("This follow-up is already closed."))
    if (
        row.kind == Kind.CALL
        and row.state != State.SCHEDULED
        and Followup.objects.filter(
            application_id=row.application_id, kind=Kind.CALL, state=State.SCHEDULED
        ).exists()
    ):
        # A later interview's call is already waiting; one call reminder at a time.
        raise FollowupActionError(
            _("A call about a later interview is already scheduled for this application.")
        )
    prefs = policy.Preferences.from_user(row.owner)
    requested = policy.snooze_requested(choice, due_at=row.due_at, now=timezone.now(), prefs=prefs)
    row.snooze(policy.snooze_release(requested, prefs), requested=requested)
    row.save()
    return _refresh(followup, row)


def followup_link_use(*, followup: Followup, token: str, act: Callable[[], _T]) -> _T:
    """Act on a signed email link once: `act()` runs only the first time `token` is used.

    The use is recorded in the same transaction as the action, so a refused action (a
    FollowupActionError) leaves the link usable, and two POSTs of the same link at once act
    once: the second waits on the unique key, then finds it taken. Raises LinkAlreadyUsed on
    a replay. Links used longer ago than they stay valid are forgotten here too: a replay of
    those is refused as expired before it gets this far.
    """
    digest = UsedActionLink.digest(token)
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedActionLink.objects.create(followup=followup, token_digest=digest, used_at=now)
            result = act()
    except IntegrityError:
        if UsedActionLink.objects.filter(token_digest=digest).exists():
            raise LinkAlreadyUsed from None
        raise
    UsedActionLink.objects.filter(used_at__lt=now - ACTION_LINK_MAX_AGE).delete()
    return result


# --- Bulk, for imports ---------------------------------------------------------------------------


def followup_restore_keys(followup: Followup, interview_key) -> list[tuple]:
    """What the database's unique constraints hold a restored row to, as comparable keys.

    `interview_key` stands for its interview (an id, or anything unique for one not saved
    yet). An import compares these across the rows of one application before writing, so that a
    second row of the same kind is a problem named in the file, not a refused transaction.
    """
    keys = []
    if followup.state != State.CANCELLED:
        if interview_key is not None:
            keys.append(("interview", interview_key, followup.kind))  # one per interview and kind
        if followup.kind == Kind.FEEDBACK:
            keys.append(("feedback",))  # followup_one_feedback_per_application
        if followup.kind == Kind.CHECK_IN:
            keys.append(("check_in",))  # followup_one_check_in_per_application
        if followup.kind == Kind.APPLY_BY:
            keys.append(("apply_by",))  # followup_one_apply_by_per_application
    if followup.kind == Kind.CALL and followup.state == State.SCHEDULED:
        keys.append(("call",))  # followup_one_pending_call_per_application
    return keys


def followups_restore(*, followups: list[Followup]) -> None:
    """followup_restore for many rows at once (one INSERT per batch).

    The caller has kept out the rows the constraints refuse (followup_restore_keys); a row
    that slips through makes the database refuse the whole batch, and with it the caller's
    transaction. The caller then brings the applications in step with
    followups_sync_applications.
    """
    for followup in followups:
        followup.next_attempt_at = followup.due_at
        followup.release_claim()
        if followup.last_error in SkipReason.values and not followup.skip_reason:
            # Exports made before skip_reason had a column kept the code in last_error.
            followup.skip_reason, followup.last_error = followup.last_error, ""
    Followup.objects.bulk_create(followups, batch_size=RESYNC_CHUNK)


def followups_record_history(*, followups: list[Followup]) -> None:
    """Save what happened to follow-ups, told after the fact (a demo account's past).

    The caller has put each row in its state with the model's transitions (close(), and
    notified_at for a reminder that went out); this writes those fields, one UPDATE per batch.
    """
    Followup.objects.bulk_update(
        followups,
        ["state", "completed_at", "skip_reason", "notified_at", "claimed_until", "claim_token"],
        batch_size=RESYNC_CHUNK,
    )


def _apply_many(plans: list[_Plan], now: datetime.datetime) -> None:
    """_apply for the plans of many applications: new rows in one INSERT per batch."""
    cancel_ids = [pk for plan in plans for pk in plan.cancel_ids]
    if cancel_ids:
        _cancel(cancel_ids, now)
    new = []
    for plan in plans:
        for row in plan.moved:
            # owner_id names the owner to core.owned: renewed once for all the moves.
            Followup.objects.filter(owner_id=row.owner_id, pk=row.pk, state=State.SCHEDULED).update(
                updated_at=now, **{name: getattr(row, name) for name in _MOVED_FIELDS}
            )
        for row in plan.saved:
            if row.pk is None:
                new.append(row)
            else:
                row.save()
    Followup.objects.bulk_create(new)


@transaction.atomic
def followups_sync_applications(*, application_ids) -> None:
    """followups_sync_application for many applications (an import): the same plan for each,
    a few queries per RESYNC_CHUNK applications instead of a few per application.
    """
    ids = sorted(set(application_ids))
    now = timezone.now()
    prefs_by_owner: dict[int, policy.Preferences] = {}
    for start in range(0, len(ids), RESYNC_CHUNK):
        chunk = ids[start : start + RESYNC_CHUNK]
        try:
            with transaction.atomic():
                plans = []
                for application in _locked(chunk):
                    if application.owner_id not in prefs_by_owner:
                        prefs_by_owner[application.owner_id] = policy.Preferences.from_user(
                            application.owner
                        )
                    plan = _plan(application, prefs_by_owner[application.owner_id], now)
                    if plan:
                        plans.append(plan)
                _apply_many(plans, now)
            continue
        except IntegrityError:
            # As in followups_resync_user: redo the chunk one application at a time.
            log.warning("Follow-up sync of %d applications hit a constraint; retrying", len(chunk))
        for application_id in chunk:
            _sync_application_id(application_id)
    for owner_id in sorted(
        set(Application.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
    ):
        followups_sync_obligation(owner_id=owner_id, now=now)
