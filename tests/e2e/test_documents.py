"""In the browser, on a phone, in Finnish: the person attaches the cover letter they sent, finds it
under Documents, downloads it and gets the very same bytes; a file that is no document is refused
next to the field."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from applications.models import Document
from applications.services import application_create
from tests.applications import document_files as files
from tests.e2e.test_board import PHONE, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern:
    # A required field's label ends in crispy's asterisk.
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
        viewport=PHONE,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_person_attaches_a_cover_letter_and_downloads_the_same_bytes(phone_page, tmp_path):
    page = phone_page
    user = UserFactory(email="liisa@example.com", language="fi")
    application = application_create(owner=user, company="Wärtsilä Oyj", position="Insinööri")
    letter = tmp_path / "Hakemuskirje Wärtsilä.docx"
    letter.write_bytes(files.docx("Hyvä vastaanottaja"))
    log_in(page, user.email)

    page.goto(application.get_absolute_url())
    documents = page.locator("section", has=page.get_by_role("heading", name="Asiakirjat"))
    expect(documents.get_by_text("Ei liitettyjä asiakirjoja.")).to_be_visible()
    documents.get_by_role("link", name="Liitä asiakirja").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Liitä asiakirja")
    page.get_by_label(label("Tiedosto")).set_input_files(str(letter))
    page.get_by_label(label("Mikä se on")).select_option(label="Hakemuskirje")
    page.get_by_label(label("Nimi")).fill("Kirje, lähetetty sähköpostilla")
    page.get_by_role("button", name="Tallenna").click()

    expect(page).to_have_url(re.compile(rf"{application.get_absolute_url()}#documents$"))
    expect(page.get_by_text("Asiakirja liitettiin.")).to_be_visible()
    row = documents.get_by_role("row", name=re.compile("Kirje, lähetetty sähköpostilla"))
    expect(row).to_contain_text("Hakemuskirje Wärtsilä.docx")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_download() as info:
        row.get_by_role("link", name="Hakemuskirje Wärtsilä.docx", exact=True).click()
    download = info.value
    assert download.suggested_filename == "Hakemuskirje Wärtsilä.docx"
    assert download.path().read_bytes() == letter.read_bytes()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Insinööri")
    assert Document.objects.get().kind == "cover_letter"


def test_an_executable_renamed_pdf_is_refused_next_to_the_field(phone_page, tmp_path):
    page = phone_page
    user = UserFactory(email="matti@example.com", language="fi")
    application = application_create(owner=user, company="Kone Oyj", position="Kehittäjä")
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(files.EXE)
    log_in(page, user.email)

    page.goto(application.get_absolute_url() + "documents/new/")
    file_input = page.get_by_label(label("Tiedosto"))
    file_input.set_input_files(str(fake))
    page.get_by_role("button", name="Tallenna").click()

    refusal = "Tiedosto ei ole PDF-, DOCX-, ODT- eikä tekstiasiakirja"
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(file_input).to_have_attribute("aria-invalid", "true")
    assert not Document.objects.exists()


def test_the_date_sent_is_the_persons_today_in_new_york(browser, live_server, tmp_path):
    """At 21:30 on 30 November in New York it is already 1 December in Helsinki and in UTC: the
    attach form's "Date sent" starts at the person's today, and the list shows that day."""
    user = UserFactory(email="ny@example.com", language="fi", time_zone="America/New_York")
    application = application_create(owner=user, company="Nokia Oyj", position="Analyytikko")
    letter = tmp_path / "cv.txt"
    letter.write_bytes(b"Ansioluettelo\n")
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", timezone_id="America/New_York", viewport=PHONE
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # The server's clock (tick: the page's timers run as usual).
    with time_machine.travel(datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)):
        log_in(page, user.email)
        page.goto(application.get_absolute_url() + "documents/new/")
        expect(page.get_by_label(label("Lähetetty"))).to_have_value("2026-11-30")
        page.get_by_label(label("Tiedosto")).set_input_files(str(letter))
        page.get_by_role("button", name="Tallenna").click()
        expect(page.get_by_text("Asiakirja liitettiin.")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("cv.txt"))
        expect(row.locator("time")).to_have_attribute("datetime", "2026-11-30")
    context.close()
    assert Document.objects.get().sent_on == datetime.date(2026, 11, 30)
