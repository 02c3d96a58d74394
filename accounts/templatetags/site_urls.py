"""`{% fixed_url 'name' %}`: `{% url 'name' %}` for a URL without arguments, reversed once.

Every page's navigation (base.html) names a dozen fixed URLs, and Django's reverse() resolves each
one again on every request: a tenth of what the page around an "ok" costs (docs/benchmarks.md,
"pages"). A URL without arguments can only change with the URLconf or the script prefix, so
those are the cache key. URLs with arguments keep `{% url %}`.
"""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=512)
def _reverse(name: str, urlconf, prefix: str) -> str:
    # reverse() reads the script prefix itself; it is in the key so that a cached URL is only
    # ever given out under the prefix it was made with.
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reverse(name, get_urlconf(), get_script_prefix())
