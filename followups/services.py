"""Follow-up workflows. Every change to an application or interview ends in a sync here."""


def followups_sync_application(*, application) -> None:
    """Bring the application's follow-ups in step with its interviews and status.

    Idempotent: calling it twice, or after an unchanged save, changes nothing.
    """
    # Filled in by the follow-up engine (issue 3).
    return None


def followups_resync_user(*, user) -> None:
    """Recompute the pending follow-ups of every open application after a preference change."""
    # Filled in by the follow-up engine (issue 3).
    return None
