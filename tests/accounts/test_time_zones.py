"""The person's own time zone and country: at sign-up, in preferences, and the switch notice."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import time_zones
from accounts.forms import time_zone_choices
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signup(client, **extra):
    data = {
        "email": "carol@example.com",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        **extra,
    }
    return client.post(reverse("signup"), data)


def zone_values() -> set[str]:
    return {value for _group, zones in time_zone_choices()[1:] for value, _label in zones} | {"UTC"}


def test_signup_keeps_the_time_zone_and_country_the_browser_gave(client):
    response = signup(client, time_zone="America/New_York", country="US")
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.time_zone, user.country) == ("America/New_York", "US")


def test_signup_reads_an_old_zone_name_a_browser_reports_as_the_current_one(client):
    signup(client, time_zone="Asia/Calcutta", country="IN")
    assert User.objects.get().time_zone == "Asia/Kolkata"


def test_signup_without_a_time_zone_keeps_the_server_default(client, settings):
    signup(client)
    user = User.objects.get()
    assert user.time_zone == settings.DEFAULT_USER_TIME_ZONE
    assert user.country == settings.DEFAULT_USER_COUNTRY


def test_signup_refuses_a_made_up_zone_next_to_the_field(client):
    response = signup(client, time_zone="Mars/Olympus_Mons", country="US")
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.content.decode()
    assert not User.objects.exists()


def test_the_signup_page_shows_where_you_are_with_the_zone_list_and_the_script(client):
    body = client.get(reverse("signup")).content.decode()
    assert 'id="time-zone-summary"' in body
    assert 'data-country="US"' in body  # America/New_York's option knows its country
    assert "js/time-zone.js" in body


def test_the_zone_list_has_current_names_only():
    values = zone_values()
    assert {"Europe/Helsinki", "America/New_York", "Asia/Kolkata", "Africa/Asmara"} <= values
    assert not {"Africa/Asmera", "Africa/Timbuktu", "Asia/Calcutta", "US/Eastern"} & values


def test_a_zone_knows_its_country_the_one_people_live_in():
    assert time_zones.country_of("America/New_York") == "US"
    assert time_zones.country_of("Europe/Stockholm") == "SE"  # not Germany (zone1970.tab)
    assert time_zones.country_of("Asia/Calcutta") == "IN"
    assert time_zones.country_of("UTC") == ""


def test_preferences_offer_the_grouped_list_and_show_an_old_stored_name_as_the_current(
    client,
):
    user = UserFactory(time_zone="Europe/Kiev")
    client.force_login(user)
    body = client.get(reverse("preferences")).content.decode()
    assert '<optgroup label="Europe">' in body
    assert re.search(r'<option value="Europe/Kyiv"[^>]*selected', body)
    assert 'value="Africa/Asmera"' not in body


def test_the_notice_switches_the_time_zone_and_reschedules(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("time_zone_switch"), {"time_zone": "America/New_York", "next": "/followups/"}
    )
    assert response.status_code == 302
    assert response.url == "/followups/"
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_the_notice_refuses_an_unknown_zone_and_another_site(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("time_zone_switch"),
        {"time_zone": "Mars/Base", "next": "https://evil.example/"},
    )
    assert response.url == reverse("preferences")
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/Helsinki"


def test_the_switch_needs_a_csrf_token_and_a_post(alice):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    assert csrf_client.post(reverse("time_zone_switch"), {"time_zone": "UTC"}).status_code == 403
    assert csrf_client.get(reverse("time_zone_switch")).status_code == 405


def test_every_logged_in_page_carries_the_notice_with_the_stored_zone(client, alice):
    client.force_login(alice)
    body = client.get(reverse("applications:dashboard")).content.decode()
    assert 'id="time-zone-notice"' in body
    assert 'data-stored="Europe/Helsinki"' in body
