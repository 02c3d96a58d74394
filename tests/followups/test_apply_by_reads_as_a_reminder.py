"""The apply-by follow-up is due two business days before the deadline: wherever its due time is
shown it reads as the reminder ("Reminder to apply: 11 Mar 2026, 10:00"), and the real deadline
is named next to it, so that no page passes the reminder's time off as the deadline."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from followups.dispatch import dispatch_due
from tests.followups.test_apply_by import frozen, hel, saved, the_one

__all__ = ["frozen"]  # the autouse fixture: every test here at 10 Mar 2026 09:00 in Helsinki

# Friday's deadline (tests.followups.test_apply_by.FRIDAY) and its reminder on the Wednesday.
DEADLINE = "Deadline: 13 Mar 2026"
REMINDER = "Reminder to apply: <time"


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_card_calls_it_a_reminder_and_names_the_deadline(alice_client, alice):
    saved(alice)

    page = page_of(alice_client, reverse("applications:board"))

    assert REMINDER in page
    assert "Apply by:" not in page
    assert DEADLINE in page


def test_the_board_card_in_finnish(client, alice):
    alice.language = "fi"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    saved(alice)

    page = page_of(client, reverse("applications:board"))

    assert "Muistutus hakemisesta: <time" in page
    assert "Hakuaika päättyy: 13.3.2026" in page


def test_todays_coming_up_list_calls_it_a_reminder_and_names_the_deadline(alice_client, alice):
    saved(alice)

    page = page_of(alice_client, reverse("applications:dashboard"))

    upcoming = page[page.index('id="followups-upcoming-heading"') :]
    assert "Reminder to apply</a>" in upcoming
    assert DEADLINE in upcoming


def test_the_application_page_lists_the_reminder_with_the_deadline(alice_client, alice):
    application = saved(alice)

    page = page_of(alice_client, application.get_absolute_url())

    followups = page[page.index('id="application-followups-heading"') :]
    assert "Reminder to apply</a>" in followups
    assert DEADLINE in followups


def test_the_follow_up_list_names_the_deadline_beside_the_reminder(alice_client, alice):
    saved(alice)

    page = page_of(alice_client, reverse("followups:followup_list"))

    assert "Reminder to apply</a>" in page
    assert DEADLINE in page


def test_the_follow_up_page_is_titled_as_the_reminder(alice_client, alice):
    row = the_one(saved(alice))

    page = page_of(alice_client, row.get_absolute_url())

    assert "Reminder to apply: Acme Oy" in page
    assert "Application deadline" in page


def test_the_filter_offers_the_kind_as_a_reminder(alice_client, alice):
    page = page_of(alice_client, reverse("followups:followup_list"))
    assert '<option value="apply_by">Reminder to apply</option>' in page


def test_the_reminder_email_gives_the_deadline_rather_than_its_own_time(alice, frozen):
    saved(alice)
    frozen.move_to(hel(2026, 3, 11, 10, 0))

    assert dispatch_due().sent == 1

    [message] = mail.outbox
    assert message.subject == "Apply to Acme Oy by 13 Mar 2026"
    assert "Application deadline: 13 Mar 2026" in message.body
    assert "Due:" not in message.body
    html = message.alternatives[0][0]
    assert "Application deadline: 13 Mar 2026" in html


def test_the_finnish_label_is_translated():
    from followups.models import Kind

    with translation.override("fi"):
        assert str(Kind.APPLY_BY.label) == "Muistutus hakemisesta"
