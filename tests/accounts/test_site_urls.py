"""{% fixed_url %}: the same URL as {% url %}, under whatever script prefix serves the request."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix


def render(source: str) -> str:
    return Template("{% load site_urls %}" + source).render(Context({}))


def fixed_names() -> set[str]:
    names = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        names |= set(re.findall(r"\{% fixed_url '([^']+)'", path.read_text()))
    return names


def test_templates_use_it():
    assert {"applications:dashboard", "logout", "drafts:generate"} <= fixed_names()


@pytest.mark.parametrize("name", sorted(fixed_names()))
def test_every_fixed_url_is_what_url_writes(name):
    assert render(f"{{% fixed_url '{name}' %}}") == render(f"{{% url '{name}' %}}")


@pytest.mark.parametrize("prefix", ["/", "/seuranta/", "/a&b/"])
def test_the_script_prefix_is_honoured_each_time(prefix):
    set_script_prefix(prefix)
    try:
        for _ in range(2):  # the second from the cache
            assert render("{% fixed_url 'applications:dashboard' %}") == render(
                "{% url 'applications:dashboard' %}"
            )
            assert render("{% fixed_url 'logout' as u %}[{{ u }}]") == render(
                "{% url 'logout' as u %}[{{ u }}]"
            )
    finally:
        clear_script_prefix()
