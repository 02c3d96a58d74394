"""The plain rows insights.metrics counts: four queries, whatever the size of the account."""

from __future__ import annotations

import datetime

from django.utils import timezone

from applications.models import Application, Interview, StatusChange
from followups.models import Followup
from insights import metrics


def insights_for(user, now: datetime.datetime | None = None) -> metrics.Insights:
    now = now or timezone.now()
    tz = user.tzinfo
    applications = [
        metrics.AppRow(*row)
        for row in Application.objects.owned_by(user).values_list("id", "applied_on")
    ]
    changes = [
        metrics.ChangeRow(*row)
        for row in StatusChange.objects.owned_by(user).values_list(
            "application_id", "status", "changed_at"
        )
    ]
    interviews = [
        metrics.InterviewRow(*row)
        for row in Interview.objects.owned_by(user).values_list(
            "application_id", "starts_at", "cancelled"
        )
    ]
    followups = [
        metrics.FollowupRow(*row)
        for row in Followup.objects.owned_by(user)
        .filter(state__in=["done", "skipped"])
        .values_list("state", "due_at", "completed_at")
    ]
    return metrics.compute(
        applications=applications,
        changes=changes,
        interviews=interviews,
        followups=followups,
        today=now.astimezone(tz).date(),
        tz=tz,
    )
