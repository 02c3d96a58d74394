"""The application form's contacts picker (Tom Select, static/js/picker.js) at phone size, in
English and Finnish, light and dark: its label names it and its help describes it, it is reached,
searched, filled and emptied by keyboard alone with a ring round it, its targets are 44 px, axe
finds nothing with the list open, and what is picked is saved and still there after Back."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from applications.services import application_create
from tests.e2e.test_forms_that_scale import exact, fits
from tests.e2e.test_look import AXE_RUN, PHONE, open_context, require_axe
from tests.factories import ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "locale": "en-GB",
        "contacts": "Contacts",
        "help": "People at the employer you have been in touch with.",
        "before": "Offered salary is",
        "after": "Notes",
        "save": "Save",
        "remove": "Remove",
    },
    "fi": {
        "locale": "fi-FI",
        "contacts": "Yhteyshenkilöt",
        "help": "Työnantajan henkilöt, joihin olet ollut yhteydessä.",
        "before": "Tarjottu palkka on",
        "after": "Muistiinpanot",
        "save": "Tallenna",
        "remove": "Poista",
    },
}


@pytest.mark.parametrize(("language", "mode"), [("en", "light"), ("fi", "dark")])
def test_the_contacts_picker_is_named_by_its_label_and_used_by_keyboard_alone(
    browser, live_server, language, mode
):
    axe_js = require_axe()
    w = WORDS[language]
    user = UserFactory(email=f"picker-{language}@example.com", language=language)
    application = application_create(owner=user, company="Kone Oyj", position="Engineer")
    ContactFactory(owner=user, name="Maija Virtanen", company="Wärtsilä")
    ville = ContactFactory(owner=user, name="Ville Virtanen", company="Kone Oyj")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    # The colour mode the system asks for (theme.js follows it); axe's script needs bypass_csp.
    context = open_context(browser, live_server, session, w["locale"], color_scheme=mode)
    page = context.new_page()
    try:
        page.set_viewport_size(PHONE)
        page.goto(reverse("applications:application_update", args=[application.pk]))
        expect(page.locator("html")).to_have_attribute("data-bs-theme", mode)

        # The label names Tom Select's control, the field's help describes it, and the select it
        # hides is hidden from screen readers too (no second, nameless list of the same people).
        picker = page.get_by_role("combobox", name=exact(w["contacts"]))
        expect(picker).to_have_accessible_description(w["help"])
        expect(page.get_by_role("listbox")).to_have_count(0)
        box = page.locator(".ts-wrapper").filter(has=picker)

        # Tab from the field before it; the site's ring goes round the whole box.
        page.get_by_label(exact(w["before"])).focus()
        page.keyboard.press("Tab")
        expect(picker).to_be_focused()
        ring = box.evaluate("(el) => getComputedStyle(el).outline")
        assert " solid 3px" in ring, ring
        assert picker.bounding_box()["height"] >= 43.5

        # Typed, the list shows the match, its row a thumb's height; axe finds nothing open.
        page.keyboard.type("vill")
        option = page.locator(".ts-dropdown .option.active")
        expect(option).to_have_text(re.compile("^Ville Virtanen"))
        assert option.bounding_box()["height"] >= 43.5
        page.add_script_tag(path=str(axe_js))
        assert page.evaluate(AXE_RUN) == []
        page.keyboard.press("Enter")
        chips = box.locator(".item")
        expect(chips).to_have_text([re.compile("^Ville Virtanen")])
        expect(chips.get_by_role("button", name=w["remove"])).to_have_count(1)

        # A second one, then Backspace takes the last one back out.
        page.keyboard.type("maija")
        expect(option).to_have_text(re.compile("^Maija Virtanen"))
        page.keyboard.press("Enter")
        expect(chips).to_have_count(2)
        page.keyboard.press("Backspace")
        expect(chips).to_have_text([re.compile("^Ville Virtanen")])

        # Escape closes the list and Tab leaves for the next field.
        page.keyboard.press("Escape")
        expect(page.locator(".ts-dropdown")).to_be_hidden()
        page.keyboard.press("Tab")
        expect(page.get_by_label(exact(w["after"]))).to_be_focused()
        assert fits(page)

        page.locator("main").get_by_role("button", name=exact(w["save"])).click()
        expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
        assert list(application.contacts.all()) == [ville]

        # Back to the form: the picker shows what is saved, and nothing twice.
        page.go_back()
        expect(page.get_by_role("combobox", name=exact(w["contacts"]))).to_be_attached()
        expect(page.locator(".ts-wrapper .item")).to_have_text([re.compile("^Ville Virtanen")])
        assert fits(page)
    finally:
        context.close()
