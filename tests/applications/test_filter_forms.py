"""The list pages' filter fields: the markup crispy writes, without crispy's templates."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template

from applications.forms import ApplicationFilterForm, ContactFilterForm, InterviewFilterForm


class _Elements(HTMLParser):
    """Start tags with their attributes (in any order) and the text between, spaces ignored."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append((" ".join(data.split()),))


def elements(html: str) -> list:
    parser = _Elements()
    parser.feed(html)
    return parser.items


def render(source: str, field) -> str:
    return Template(source).render(Context({"field": field}))


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (ApplicationFilterForm, {}),
        (ApplicationFilterForm, {"q": "kone", "status": "applied", "sort": "company"}),
        (ApplicationFilterForm, {"q": '"><script>x</script>', "status": "evil", "sort": "-id"}),
        (ApplicationFilterForm, {"q": "x" * 300}),
        (InterviewFilterForm, {}),
        (InterviewFilterForm, {"when": "past"}),
        (InterviewFilterForm, {"when": "never"}),
        (ContactFilterForm, {"q": "Virtanen"}),
    ],
)
def test_each_filter_field_is_what_crispy_writes(form_class, data):
    form = form_class(data)
    form.is_valid()
    for field in form:
        ours = render("{% load filter_forms %}{% filter_field field %}", field)
        crispy = render("{% load crispy_forms_tags %}{{ field|as_crispy_field }}", field)
        assert elements(ours) == elements(crispy), field.name


def test_user_input_in_a_filter_field_is_escaped():
    form = ApplicationFilterForm({"q": '"><script>alert(1)</script>'})
    html = render("{% load filter_forms %}{% filter_field field %}", form["q"])
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_a_widget_filter_forms_do_not_use_is_refused():
    class Odd(forms.Form):
        done = forms.BooleanField(required=False)

    with pytest.raises(TypeError):
        render("{% load filter_forms %}{% filter_field field %}", Odd()["done"])
