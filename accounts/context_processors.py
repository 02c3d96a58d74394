from django.conf import settings


def site(request):
    return {"OUTBOX_ENABLED": settings.OUTBOX_ENABLED, "SITE_URL": settings.SITE_URL}


# Which main-navigation section a page belongs to, by its URL's namespace and name. From the
# resolved URL of the request: no query, no reverse().
_SECTIONS_BY_NAMESPACE = {
    "followups": "followups",
    "drafts": "drafts",
    "insights": "insights",
    "exports": "account",
}
_APPLICATION_PAGES = (
    ("dashboard", "dashboard"),
    ("board", "board"),
    ("contact", "contacts"),
    ("interview", "interviews"),
    ("prep_item", "interviews"),
    ("question", "interviews"),
    ("application", "applications"),
    ("feedback", "applications"),
)
_ACCOUNT_PAGES = {"preferences", "outbox", "outbox_message"}


def nav_section(resolver_match) -> str:
    if resolver_match is None:
        return ""
    namespace, name = resolver_match.namespace, resolver_match.url_name or ""
    if namespace == "applications":
        return next((section for part, section in _APPLICATION_PAGES if part in name), "")
    if namespace in _SECTIONS_BY_NAMESPACE:
        return _SECTIONS_BY_NAMESPACE[namespace]
    return "account" if name in _ACCOUNT_PAGES else ""


def navigation(request):
    """`nav_section`: the section of the navigation the page is in (base.html marks it)."""
    return {"nav_section": nav_section(getattr(request, "resolver_match", None))}
