from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _remember_browser_language(user, request) -> None:
    """Keep the language LocaleMiddleware chose from the browser, for the user's emails.

    Written only when it changes, so a page costs no extra query in the usual case.
    """
    language = (getattr(request, "LANGUAGE_CODE", "") or "")[:2]
    if language in SUPPORTED and language != user.browser_language:
        get_user_model().objects.filter(pk=user.pk).update(browser_language=language)
        user.browser_language = language


class UserPreferencesMiddleware:
    """Show each logged-in user the site in their own time zone and chosen language.

    Runs after AuthenticationMiddleware. A user who chose no language keeps the one
    LocaleMiddleware picked from the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            else:
                _remember_browser_language(user, request)
        else:
            timezone.deactivate()
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other users next: leave no time zone behind.
            timezone.deactivate()
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
