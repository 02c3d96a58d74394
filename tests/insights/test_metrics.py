"""The insights numbers, checked against a fixture computed by hand."""

import datetime
import zoneinfo

from insights.metrics import AppRow, ChangeRow, FollowupRow, InterviewRow, compute

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
UTC = datetime.UTC


def h(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def d(*args) -> datetime.date:
    return datetime.date(*args)


APPLICATIONS = [
    AppRow(1, d(2024, 12, 2)),  # applied → interview → offer
    AppRow(2, d(2024, 12, 5)),  # applied → rejected, no interview
    AppRow(3, None),  # saved → applied (date from history), no answer
    AppRow(4, None),  # only saved: never applied
    AppRow(5, d(2025, 1, 8)),  # applied → interviewing → interview → rejected
    AppRow(6, None),  # saved → withdrawn: never applied
]
CHANGES = [
    ChangeRow(1, "applied", h(2024, 12, 2, 10)),
    ChangeRow(1, "interviewing", h(2024, 12, 9, 10)),
    ChangeRow(1, "offer", h(2024, 12, 20, 10)),
    ChangeRow(2, "applied", h(2024, 12, 5, 10)),
    ChangeRow(2, "rejected", h(2024, 12, 15, 10)),
    ChangeRow(3, "saved", h(2024, 11, 1, 10)),
    # 22:30 UTC on Sunday 8 December is already Monday 9 December in Helsinki.
    ChangeRow(3, "applied", datetime.datetime(2024, 12, 8, 22, 30, tzinfo=UTC)),
    ChangeRow(4, "saved", h(2024, 12, 1, 10)),
    ChangeRow(5, "applied", h(2025, 1, 8, 10)),
    ChangeRow(5, "interviewing", h(2025, 1, 10, 10)),
    ChangeRow(5, "rejected", h(2025, 1, 15, 10)),
    ChangeRow(6, "saved", h(2024, 11, 20, 10)),
    ChangeRow(6, "withdrawn", h(2024, 11, 25, 10)),
]
INTERVIEWS = [
    InterviewRow(1, h(2024, 12, 12, 10), False),
    InterviewRow(5, h(2025, 1, 14, 10), False),
    InterviewRow(5, h(2025, 1, 20, 10), True),  # cancelled: not counted anywhere
]
DUE = h(2025, 1, 1, 10)
FOLLOWUPS = [
    FollowupRow("done", DUE, h(2025, 1, 1, 12)),  # on time
    FollowupRow("done", DUE, h(2025, 1, 2, 9, 59)),  # within the day of grace
    FollowupRow("done", DUE, h(2025, 1, 3, 10)),  # late
    FollowupRow("skipped", DUE, h(2025, 1, 1, 10)),  # closed, not done
    FollowupRow("cancelled", DUE, h(2025, 1, 1, 10)),  # withdrawn by Seuranta: ignored
    FollowupRow("scheduled", DUE, None),  # still open: ignored
]


def result():
    return compute(
        applications=APPLICATIONS,
        changes=CHANGES,
        interviews=INTERVIEWS,
        followups=FOLLOWUPS,
        today=d(2025, 1, 15),
        tz=HELSINKI,
    )


def test_the_funnel_counts_applications_that_reached_each_stage():
    insights = result()
    assert insights.total == 6
    assert insights.funnel == [("applied", 4), ("interview", 2), ("offer", 1)]


def test_the_response_rate_is_answered_out_of_applied():
    insights = result()
    assert insights.responded == 3
    assert insights.response_rate == 0.75


def test_the_median_days_to_first_response_and_from_interview_to_outcome():
    insights = result()
    # Responses after 7 (app 1), 10 (app 2) and 2 (app 5) days.
    assert insights.median_days_to_response == 7
    # Outcomes 8 (app 1) and 1 (app 5) days after the first interview.
    assert insights.median_days_interview_to_outcome == 4.5


def test_activity_per_week_counts_local_dates_in_monday_weeks():
    weeks = {w.start: (w.applications, w.interviews) for w in result().weeks}
    assert len(weeks) == 12
    assert min(weeks) == d(2024, 10, 28) and max(weeks) == d(2025, 1, 13)
    assert weeks[d(2024, 12, 2)] == (2, 0)
    assert weeks[d(2024, 12, 9)] == (1, 1)
    assert weeks[d(2025, 1, 6)] == (1, 0)
    assert weeks[d(2025, 1, 13)] == (0, 1)
    assert sum(a for a, _i in weeks.values()) == 4


def test_followups_done_on_time_out_of_all_closed():
    insights = result()
    assert (insights.followups_on_time, insights.followups_closed) == (2, 4)
    assert insights.on_time_rate == 0.5


def test_an_empty_account_has_no_rates_rather_than_a_division_by_zero():
    insights = compute(
        applications=[], changes=[], interviews=[], followups=[], today=d(2025, 1, 15), tz=HELSINKI
    )
    assert insights.response_rate is None
    assert insights.median_days_to_response is None
    assert insights.on_time_rate is None
    assert insights.funnel == [("applied", 0), ("interview", 0), ("offer", 0)]
