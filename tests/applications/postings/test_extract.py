"""Reading a posting from the shapes job boards publish (saved pages in pages/)."""

import datetime
import json
from decimal import Decimal

import pytest

from applications.models import DESCRIPTION_MAX, EmploymentType, SalaryPeriod
from applications.postings.extract import NoPosting, posting_from_html, posting_from_parts
from tests.applications.postings.server import PAGES

URL = "https://jobs.example/posting/4711"


def read(name: str):
    return posting_from_html((PAGES / name).read_text(encoding="utf-8"), URL)


def page_with(*postings, title="A page") -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(p)}</script>' for p in postings
    )
    return f"<!DOCTYPE html><html><head><title>{title}</title>{scripts}</head><body></body></html>"


def job(**fields) -> dict:
    return {"@context": "https://schema.org", "@type": "JobPosting", "title": "Developer", **fields}


def test_json_ld_fills_every_field():
    posting = read("jsonld.html")
    assert posting.company == "Vaisala Oyj"
    assert posting.position == "Ohjelmistokehittäjä (Python)"
    assert posting.location == "Vantaa, FI"
    assert posting.employment_type == EmploymentType.FULL_TIME
    # validThrough's own date, whatever its time and offset.
    assert posting.apply_by == datetime.date(2026, 12, 15)
    assert (posting.salary_min, posting.salary_max) == (Decimal("3800.00"), Decimal("4600.50"))
    assert (posting.salary_currency, posting.salary_period) == ("EUR", SalaryPeriod.MONTH)
    assert posting.source == "Työpaikkapörssi"
    assert posting.posting_url == URL
    assert posting.notes == []


def test_the_description_is_plain_text_with_its_paragraphs_and_list_items():
    """The HTML, escaped inside the JSON, comes out as text; its script is gone."""
    description = read("jsonld.html").description
    assert description == (
        "Etsimme kehittäjää tiimiimme.\n\nTehtävät\n\n• Django & Celery\n• PostgreSQL"
    )
    assert "alert" not in description
    assert "<" not in description


def test_an_at_graph_with_the_employer_referred_to_by_its_id():
    posting = read("graph.html")
    assert posting.company == "Kone Oyj"
    assert posting.position == "Data Engineer"
    assert posting.location == "Espoo, Finland; Tampere, Finland"
    # The first of a list of employment types.
    assert posting.employment_type == EmploymentType.FULL_TIME
    assert (posting.salary_min, posting.salary_max) == (Decimal("65000.00"), Decimal("65000.00"))
    assert posting.salary_period == SalaryPeriod.YEAR
    assert posting.apply_by == datetime.date(2026, 12, 31)
    assert posting.description == "Build our data pipelines.\n\nYou know:\n\n• Python\n• SQL"


def test_several_postings_fill_in_the_first_and_say_so():
    posting = read("several.html")
    assert posting.position == "Test Engineer"
    assert posting.company == "Nokia Oyj"  # hiringOrganization as a plain name
    assert posting.location == "Oulu, Finland"  # an address as text
    assert posting.employment_type == EmploymentType.PART_TIME
    assert posting.notes == [
        "The page has 3 job postings; the first, “Test Engineer”, was filled in. Open the "
        "posting's own page to capture another one."
    ]


def test_the_same_posting_twice_on_a_page_is_one():
    posting = posting_from_html(page_with(job(), job()), URL)
    assert not any("job postings" in note for note in posting.notes)


def test_broken_json_ld_falls_back_to_the_link_preview_and_says_so():
    posting = read("broken.html")
    assert posting.position == "Warehouse Worker"
    assert posting.company == ""
    assert posting.description == "Shifts in Kerava, forklift licence an advantage."
    assert posting.source == "Logistics Ltd careers"
    assert posting.notes[0] == (
        "The page's structured data (JSON-LD) is not valid JSON; the rest of the page was read."
    )
    assert "no job posting data" in posting.notes[1]


def test_json_ld_with_a_comment_and_a_trailing_comma_is_still_read():
    html = (
        '<html><head><script type="application/ld+json">'
        '// generated\n{"@type": "JobPosting", "title": "Baker", "hiringOrganization": "Fazer",}'
        "</script></head></html>"
    )
    posting = posting_from_html(html, URL)
    assert (posting.position, posting.company) == ("Baker", "Fazer")


def test_microdata():
    posting = read("microdata.html")
    assert posting.company == "Tampereen Kirja Oy"
    assert posting.position == "Myyjä"
    assert posting.location == "Tampere, FI"
    assert posting.employment_type == EmploymentType.PART_TIME
    assert posting.apply_by == datetime.date(2026, 12, 20)
    assert (posting.salary_min, posting.salary_max) == (Decimal("2100.00"), Decimal("2400.00"))
    assert posting.salary_currency == "EUR"
    assert posting.description.startswith("Palvelet asiakkaita kirjakaupassamme.")


def test_rdfa():
    posting = read("rdfa.html")
    assert (posting.company, posting.position) == ("Turun Puutarha Oy", "Gardener")
    assert posting.location == "Turku"
    assert posting.employment_type == EmploymentType.TEMPORARY
    assert posting.description == "Seasonal work in our parks."


def test_open_graph_only_fills_the_position_and_a_summary_and_says_so():
    posting = read("og_only.html")
    assert posting.position == "UX Designer"
    assert posting.description == "Design the menus millions of players see every day."
    assert posting.source == "Supercell Careers"
    assert posting.company == ""
    assert "no job posting data" in posting.notes[0]


def test_a_page_with_no_json_ld_and_only_a_title():
    posting = posting_from_html("<html><head><title>Cook | Restaurant</title></head></html>", URL)
    assert posting.position == "Cook | Restaurant"
    assert posting.source == "jobs.example"


@pytest.mark.parametrize("html", ["", "<html><body><p>Hello</p></body></html>", "\x00\x01"])
def test_a_page_that_says_nothing_of_a_job_is_no_posting(html):
    with pytest.raises(NoPosting):
        posting_from_html(html, URL)


def test_an_hourly_salary_keeps_its_amount_and_leaves_the_period_to_the_person():
    salary = {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "value": 14.5, "unitText": "HOUR"},
    }
    posting = posting_from_html(page_with(job(baseSalary=salary)), URL)
    assert (posting.salary_min, posting.salary_max) == (Decimal("14.50"), Decimal("14.50"))
    assert posting.salary_period == ""
    assert "per hour" in posting.notes[0]


def test_a_weekly_salary_is_converted_to_a_month_and_said_so():
    salary = {
        "currency": "eur",
        "value": {"minValue": "600", "maxValue": "720", "unitText": "WEEK"},
    }
    posting = posting_from_html(page_with(job(baseSalary=salary)), URL)
    assert (posting.salary_min, posting.salary_max) == (Decimal("2600.00"), Decimal("3120.00"))
    assert posting.salary_period == SalaryPeriod.MONTH
    assert posting.salary_currency == "EUR"
    assert "per week" in posting.notes[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 500,50", Decimal("3500.50")),
        ("3,500", Decimal("3500.00")),
        ("3.500,00", Decimal("3500.00")),
        ("-5", None),
        ("lots", None),
        ("1e20", None),
        (True, None),
    ],
)
def test_amounts_as_job_boards_write_them(value, expected):
    posting = posting_from_html(page_with(job(baseSalary={"value": value})), URL)
    assert posting.salary_min == expected


def test_a_reversed_range_is_put_the_right_way_round():
    salary = {"currency": "EUR", "value": {"minValue": 5000, "maxValue": 4000, "unitText": "MONTH"}}
    posting = posting_from_html(page_with(job(baseSalary=salary)), URL)
    assert (posting.salary_min, posting.salary_max) == (Decimal("4000.00"), Decimal("5000.00"))


def test_a_remote_job_and_a_missing_employer():
    posting = posting_from_html(page_with(job(jobLocationType="TELECOMMUTE")), URL)
    assert posting.location == "Remote"
    assert "does not name the employer" in posting.notes[0]


def test_an_invalid_deadline_is_left_empty():
    posting = posting_from_html(page_with(job(validThrough="2026-02-30")), URL)
    assert posting.apply_by is None


def test_a_very_long_description_is_cut_and_said_so():
    posting = posting_from_html(page_with(job(description="word " * 20_000)), URL)
    assert len(posting.description) <= DESCRIPTION_MAX
    assert "was cut" in posting.notes[0]


def test_long_fields_are_cut_to_what_the_form_takes():
    posting = posting_from_html(page_with(job(title="T" * 500, hiringOrganization="C" * 500)), URL)
    assert (len(posting.position), len(posting.company)) == (200, 200)


def test_deeply_nested_json_is_no_error():
    nested: dict = job()
    for _ in range(500):
        nested = {"child": nested}
    posting_from_html(page_with(nested), URL)


# --- What the bookmarklet sends ----------------------------------------------------------------


def test_the_bookmarklet_s_json_ld_fills_the_form():
    text = (PAGES / "graph.html").read_text().split('class="yoast-schema-graph">')[1]
    text = text.split("</script>")[0]
    posting = posting_from_parts(
        url=URL, title="Data Engineer - Kone careers", jsonld=[text], meta={}
    )
    assert (posting.company, posting.position) == ("Kone Oyj", "Data Engineer")
    assert posting.posting_url == URL


def test_without_json_ld_the_bookmarklet_uses_the_title_and_the_selected_text():
    posting = posting_from_parts(
        url=URL,
        title="Cook wanted",
        jsonld=[],
        meta={"og:description": "A summary", "og:site_name": "Ravintola"},
        selection="  We need a cook.\n\n\nEvenings and weekends.  ",
    )
    assert posting.position == "Cook wanted"
    assert posting.description == "We need a cook.\n\nEvenings and weekends."
    assert posting.source == "Ravintola"


def test_a_page_with_nothing_still_keeps_its_address_for_the_person():
    posting = posting_from_parts(url=URL, title="", jsonld=["{broken"], meta={})
    assert posting.posting_url == URL
    assert posting.position == ""
    assert "fill in the form" in posting.notes[-1]
