"""get_FOO_display() looked up in a dict says exactly what Django's generic one says."""

import pytest
from django.apps import apps
from django.utils import translation

# Every model whose get_FOO_display methods come from choice_display.
FAST = {
    ("applications", "Application"): ["status"],
    ("applications", "StatusChange"): ["status", "previous_status"],
    ("applications", "Interview"): ["kind", "outcome"],
    ("followups", "Followup"): ["kind", "state"],
    ("drafts", "Draft"): ["kind", "language"],
}


@pytest.mark.parametrize("language", ["en", "fi"])
@pytest.mark.parametrize(("model", "fields"), FAST.items(), ids=lambda v: str(v))
def test_labels_match_djangos_for_every_choice_and_an_unknown_value(model, fields, language):
    model = apps.get_model(*model)
    for name in fields:
        field = model._meta.get_field(name)
        assert getattr(model, f"get_{name}_display").__name__ == f"get_{name}_display"
        for value in [*(v for v, _label in field.flatchoices), "", "no-such-choice"]:
            row = model(**{name: value})
            with translation.override(language):
                ours = getattr(row, f"get_{name}_display")()
                djangos = row._get_FIELD_display(field)
            assert ours == djangos, (model, name, value)
            assert type(ours) is str


def test_the_label_follows_the_active_language():
    Application = apps.get_model("applications", "Application")
    row = Application(status="rejected")
    with translation.override("fi"):
        finnish = row.get_status_display()
    with translation.override("en"):
        english = row.get_status_display()
    assert english == "Rejected"
    assert finnish != english


def test_a_none_value_stays_none_as_in_django():
    Application = apps.get_model("applications", "Application")
    row = Application(status=None)
    assert row.get_status_display() is None
    assert row._get_FIELD_display(Application._meta.get_field("status")) is None
