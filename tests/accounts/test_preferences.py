import datetime

import pytest
from django.urls import reverse

from tests.applications.helpers import assert_error_next_to

pytestmark = pytest.mark.django_db


def preferences_data(**overrides):
    data = {
        "display_name": "Alice Example",
        "language": "fi",
        "time_zone": "America/New_York",
        "country": "US",
        "reminders_enabled": "on",
        "thank_you_enabled": "on",
        "thank_you_delay_minutes": "90",
        "call_enabled": "on",
        "call_delay_business_days": "4",
        "call_time": "09:30",
        "feedback_enabled": "on",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
        "quiet_after_days": "21",
        "applications_required": "0",
        "review_period_months": "1",
        "review_period_start": "",
        "obligation_reminder_days": "5",
    }
    data.update(overrides)
    return data


def test_preferences_are_saved(alice_client, alice):
    response = alice_client.post(reverse("preferences"), preferences_data())
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"
    assert alice.country == "US"
    assert alice.language == "fi"
    assert alice.call_time == datetime.time(9, 30)
    assert alice.thank_you_delay_minutes == 90
    assert alice.quiet_after_days == 21


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("country", "XX"),
        ("thank_you_delay_minutes", "5000"),
        ("call_delay_business_days", "0"),
        ("call_time", "25:00"),
    ],
)
def test_invalid_preference_is_refused_next_to_the_field(alice_client, alice, field, value):
    response = alice_client.post(reverse("preferences"), preferences_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    # Shown in the page next to the field, not only known to the form.
    assert_error_next_to(response, field, str(form.errors[field][0])[:20])
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/Helsinki"


def test_site_speaks_the_language_the_user_chose(alice_client, alice):
    alice.language = "fi"
    alice.save()
    response = alice_client.get(reverse("preferences"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fi">' in response.content.decode()


def test_anonymous_visitor_gets_the_browser_language(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fi")
    assert '<html lang="fi">' in response.content.decode()


def test_anonymous_visitor_can_switch_language(client):
    response = client.post(reverse("set_language"), {"language": "fi", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.get(reverse("login")).content.decode().count('<html lang="fi">') == 1


def test_the_digest_is_saved_with_its_time(alice_client, alice):
    response = alice_client.post(
        reverse("preferences"), preferences_data(digest_enabled="on", digest_time="07:15")
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.digest_enabled, alice.digest_time) == (True, datetime.time(7, 15))


def test_the_digest_asks_for_its_time_only_when_on(alice_client, alice):
    refused = alice_client.post(
        reverse("preferences"), preferences_data(digest_enabled="on", digest_time="")
    )
    assert refused.status_code == 200
    assert_error_next_to(refused, "digest_time", "Choose the time of day for the digest.")

    saved = alice_client.post(reverse("preferences"), preferences_data(digest_time=""))
    assert saved.status_code == 302
    alice.refresh_from_db()
    assert (alice.digest_enabled, alice.digest_time) == (False, datetime.time(8, 0))


def test_the_preferences_page_names_the_digest(alice_client):
    page = alice_client.get(reverse("preferences")).content.decode()
    assert "Digest: send one email a day instead of each reminder" in page
    assert 'type="time" name="digest_time" value="08:00"' in page


def test_turning_the_digest_on_reschedules_nothing(alice, django_assert_max_num_queries):
    from accounts.services import user_preferences_update
    from followups.policy import TIMING_FIELDS

    assert not {"digest_enabled", "digest_time"} & TIMING_FIELDS
    # Read and lock the row, save it, renew data_version, in a savepoint: no follow-up query.
    with django_assert_max_num_queries(5):
        user_preferences_update(user=alice, digest_enabled=True, digest_time=datetime.time(7, 0))


SUMMARY = '<p class="alert alert-danger" role="alert">Please correct the fields marked below.</p>'


def test_a_refused_save_says_so_at_the_top_of_the_form(alice_client, alice):
    """On a phone the field marked invalid may be screens below: the top says the save failed."""
    response = alice_client.post(
        reverse("preferences"), preferences_data(language="en", thank_you_delay_minutes="-5")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert SUMMARY in page
    assert page.index(SUMMARY) < page.index('name="display_name"')


def test_the_page_has_no_error_summary_before_a_save(alice_client):
    page = alice_client.get(reverse("preferences")).content.decode()
    assert "Please correct the fields marked below." not in page
