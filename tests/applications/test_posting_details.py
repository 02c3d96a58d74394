"""What the posting said, on the application: the form's fields, the page, the list search."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Application
from applications.services import application_create
from applications.templatetags.applications_tags import advertised_salary
from tests.applications.helpers import application_data

pytestmark = pytest.mark.django_db

NEW = reverse("applications:application_create")

POSTING = {
    "employment_type": "part_time",
    "apply_by": "2026-12-15",
    "salary_min": "3800",
    "salary_max": "4600.50",
    "salary_currency": "eur",
    "salary_period": "month",
    "description": "We build lifts.\n\n• Python\n• SQL",
}


def test_the_form_saves_what_the_posting_said(alice_client, alice):
    response = alice_client.post(NEW, application_data(**POSTING))
    assert response.status_code == 302
    application = Application.objects.get(owner=alice)
    assert application.employment_type == "part_time"
    assert application.apply_by == datetime.date(2026, 12, 15)
    assert (application.salary_min, application.salary_max) == (
        Decimal("3800.00"),
        Decimal("4600.50"),
    )
    assert (application.salary_currency, application.salary_period) == ("EUR", "month")
    assert application.description == "We build lifts.\n\n• Python\n• SQL"


def test_a_range_whose_upper_end_is_below_the_lower_is_refused_next_to_the_upper_end(
    alice_client, alice
):
    response = alice_client.post(NEW, application_data(salary_min="5000", salary_max="4000"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["salary_max"] == [
        "The upper end of the range cannot be below its lower end."
    ]
    assert "salary_min" not in form.errors
    html = response.content.decode()
    # Crispy writes the message under the field it belongs to.
    assert html.index('id="id_salary_max"') < html.index("cannot be below its lower end")
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("salary_currency", "E1", "Enter a three-letter currency code"),
        ("salary_min", "-1", "A salary cannot be below zero."),
        ("apply_by", "1900-01-01", "Enter a date between the years"),
        ("employment_type", "gig", "Select a valid choice."),
    ],
)
def test_bad_posting_values_are_refused_with_a_message(alice_client, field, value, message):
    response = alice_client.post(NEW, application_data(**{field: value}))
    assert message in " ".join(response.context["form"].errors[field])
    assert not Application.objects.exists()


def test_a_currency_or_period_of_no_amount_is_not_kept(alice_client, alice):
    alice_client.post(NEW, application_data(salary_currency="USD", salary_period="year"))
    application = Application.objects.get(owner=alice)
    assert (application.salary_currency, application.salary_period) == ("", "")


def test_the_edit_form_has_the_description_in_a_textarea(alice_client, alice):
    application = application_create(
        owner=alice, company="Kone", position="Dev", description="Line one\nLine two"
    )
    html = alice_client.get(reverse("applications:application_update", args=[application.pk]))
    page = html.content.decode()
    assert '<textarea name="description"' in page
    assert "Line one\nLine two</textarea>" in page


def test_the_form_s_labels_are_in_finnish(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(language="fi"))
    page = client.get(NEW).content.decode()
    labels = ("Työsuhteen tyyppi", "Hakuaika päättyy", "Ilmoitettu palkka alkaen", "Työn kuvaus")
    for label in labels:
        assert label in page


def test_the_employment_types_are_capitalised_as_the_other_choices(alice_client):
    page = alice_client.get(NEW).content.decode()
    for option in ("Full-time", "Part-time", "Contractor", "Internship", "Per diem", "Other"):
        assert f">{option}</option>" in page


def test_the_employment_types_are_capitalised_in_finnish(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(language="fi"))
    page = client.get(NEW).content.decode()
    for option in ("Kokoaikainen", "Osa-aikainen", "Määräaikainen", "Keikkatyö", "Muu"):
        assert f">{option}</option>" in page


# --- The application page ----------------------------------------------------------------------


def detail(client, application) -> str:
    return client.get(application.get_absolute_url()).content.decode()


def test_the_page_shows_what_the_posting_said(alice_client, alice):
    application = application_create(
        owner=alice,
        company="Kone",
        position="Dev",
        employment_type="contractor",
        apply_by=datetime.date(2026, 12, 15),
        salary_min=Decimal("3800"),
        salary_max=Decimal("4600"),
        salary_currency="EUR",
        salary_period="month",
        description="First paragraph.\n\nSecond one\nwith a line break.",
    )
    page = detail(alice_client, application)
    assert "Contractor" in page
    assert 'datetime="2026-12-15"' in page
    assert "3,800–4,600 €/month" in page
    assert "<p>First paragraph.</p>" in page
    assert "<p>Second one<br>with a line break.</p>" in page
    assert "<details" not in page


def test_the_description_is_text_never_markup(alice_client, alice):
    application = application_create(
        owner=alice, company="Kone", position="Dev", description='<script>alert("x")</script>'
    )
    page = detail(alice_client, application)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")' not in page


def test_a_long_description_is_folded_away(alice_client, alice):
    application = application_create(
        owner=alice, company="Kone", position="Dev", description="word " * 400
    )
    page = detail(alice_client, application)
    assert "<details" in page
    assert "Show the description (400 words)" in page


@pytest.mark.parametrize(
    ("low", "high", "currency", "period", "shown"),
    [
        ("3800", "4600", "EUR", "month", "3,800–4,600 €/month"),
        ("65000", "65000", "EUR", "year", "65,000 €/year"),
        ("3800", None, "EUR", "month", "from 3,800 €/month"),
        (None, "4600", "USD", "month", "up to 4,600 $/month"),
        ("14.50", "16", "EUR", "", "14.50–16 €"),
        ("3000", "3500", "", "month", "3,000–3,500/month"),
        (None, None, "EUR", "month", ""),
    ],
)
def test_the_advertised_salary_reads_as_a_range(low, high, currency, period, shown):
    application = SimpleNamespace(
        salary_min=Decimal(low) if low else None,
        salary_max=Decimal(high) if high else None,
        salary_currency=currency,
        salary_period=period,
    )
    with translation.override("en"):
        assert advertised_salary(application) == shown


def test_the_advertised_salary_in_finnish():
    application = SimpleNamespace(
        salary_min=Decimal("3800"), salary_max=None, salary_currency="EUR", salary_period="month"
    )
    with translation.override("fi"):
        assert advertised_salary(application) == "alkaen 3\u00a0800 €/kk"


# --- The list's search -------------------------------------------------------------------------


def listed(client, query: str) -> set:
    response = client.get(reverse("applications:application_list"), {"q": query})
    return set(response.context["page_obj"])


def test_the_list_search_finds_words_of_the_description(alice_client, alice):
    remote = application_create(
        owner=alice, company="Kone", position="Dev", description="Etätyö mahdollinen.\nDjango"
    )
    application_create(owner=alice, company="Wolt", position="Dev", description="Office only")
    # Case and accents aside, as for the other fields; every word must be found somewhere.
    assert listed(alice_client, "ETATYO") == {remote}
    assert listed(alice_client, "django kone") == {remote}
    assert listed(alice_client, "django wolt") == set()
